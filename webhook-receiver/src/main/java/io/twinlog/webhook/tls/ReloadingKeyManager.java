package io.twinlog.webhook.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's certificate and key from {@link WatchedFiles}: each handshake takes the newest. The
 * alias names the generation, so a handshake that began before a change gets the chain and key of
 * one pair, never one of each.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private final WatchedFiles<X509ExtendedKeyManager> identity;

  ReloadingKeyManager(WatchedFiles<X509ExtendedKeyManager> identity) {
    this.identity = identity;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    var loaded = identity.current();
    return alias(loaded, loaded.value().chooseEngineServerAlias(keyType, issuers, engine));
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    var loaded = identity.current();
    return alias(loaded, loaded.value().chooseServerAlias(keyType, issuers, socket));
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    var loaded = loadedFor(alias);
    return loaded == null ? null : loaded.value().getCertificateChain(inner(alias));
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    var loaded = loadedFor(alias);
    return loaded == null ? null : loaded.value().getPrivateKey(inner(alias));
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    var loaded = identity.current();
    String[] aliases = loaded.value().getServerAliases(keyType, issuers);
    if (aliases == null) {
      return null;
    }
    String[] ours = new String[aliases.length];
    for (int i = 0; i < aliases.length; i++) {
      ours[i] = alias(loaded, aliases[i]);
    }
    return ours;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // a server only
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  private static String alias(WatchedFiles.Loaded<?> loaded, String inner) {
    return inner == null ? null : loaded.generation() + ":" + inner;
  }

  private WatchedFiles.Loaded<X509ExtendedKeyManager> loadedFor(String alias) {
    int colon = alias == null ? -1 : alias.indexOf(':');
    if (colon < 1) {
      return null;
    }
    try {
      return identity.generation(Integer.parseInt(alias.substring(0, colon)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String inner(String alias) {
    return alias.substring(alias.indexOf(':') + 1);
  }
}
