package io.twinlog.webhook.tls;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS on the webhook port: the server's certificate and key, and the verification of client
 * certificates, from mounted PEM files that are read again when they change (new connections use
 * the new files; no restart). See webhook-receiver/README.md, section "TLS and client
 * certificates".
 */
public final class ServerTls {

  /**
   * What to serve and whom to let in.
   *
   * @param clientCa null when {@code clientAuth} is {@link ClientAuth#NONE}
   */
  public record Settings(
      Path certificate,
      Path key,
      ClientAuth clientAuth,
      Path clientCa,
      AllowedSubjects allowedSubjects) {}

  private final SSLContext context;
  private final ClientAuth clientAuth;
  private final ClientCertificates clientCertificates;

  private ServerTls(
      SSLContext context, ClientAuth clientAuth, ClientCertificates clientCertificates) {
    this.context = context;
    this.clientAuth = clientAuth;
    this.clientCertificates = clientCertificates;
  }

  /**
   * Reads the files now (so bad material stops the start) and again every {@code checkEvery} when a
   * handshake or a request comes.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static ServerTls open(Settings settings, Duration checkEvery, Clock clock) {
    var identity =
        new WatchedFiles<>(
            "webhook TLS certificate and key",
            List.of(settings.certificate(), settings.key()),
            contents -> identity(settings, contents.get(0), contents.get(1)),
            checkEvery,
            clock);
    WatchedFiles<X509ExtendedTrustManager> trust =
        settings.clientAuth() == ClientAuth.NONE
            ? null
            : new WatchedFiles<>(
                "webhook client CA bundle",
                List.of(settings.clientCa()),
                contents -> trust(settings.clientCa(), contents.get(0)),
                checkEvery,
                clock);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new KeyManager[] {new ReloadingKeyManager(identity)},
          trust == null ? null : new TrustManager[] {new ReloadingTrustManager(trust)},
          null);
      return new ServerTls(
          context,
          settings.clientAuth(),
          new ClientCertificates(settings.clientAuth(), trust, settings.allowedSubjects()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has TLS", e);
    }
  }

  /** For an {@code HttpsServer}: this context, client certificates asked for as configured. */
  public HttpsConfigurator configurator() {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
        if (clientAuth == ClientAuth.REQUIRED) {
          parameters.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.OPTIONAL) {
          parameters.setWantClientAuth(true);
        }
        params.setSSLParameters(parameters);
      }
    };
  }

  /** The per-request check of the verified client certificate. */
  public ClientCertificates clientCertificates() {
    return clientCertificates;
  }

  private static X509ExtendedKeyManager identity(Settings settings, byte[] certPem, byte[] keyPem) {
    List<X509Certificate> chain;
    try {
      chain = Pem.certificates(certPem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the server certificate file " + settings.certificate() + " " + e.getMessage());
    }
    PrivateKey key;
    try {
      key = Pem.privateKey(keyPem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the server key file " + settings.key() + " " + e.getMessage());
    }
    if (!Pem.belongTogether(key, chain.get(0))) {
      throw new IllegalArgumentException(
          "the server key file "
              + settings.key()
              + " does not belong to the first certificate of "
              + settings.certificate());
    }
    try {
      char[] password = UUID.randomUUID().toString().toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory factory = KeyManagerFactory.getInstance("NewSunX509");
      factory.init(store, password);
      return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "the server certificate " + settings.certificate() + " cannot be used: " + e);
    }
  }

  private static X509ExtendedTrustManager trust(Path file, byte[] caPem) {
    List<X509Certificate> cas;
    try {
      cas = Pem.certificates(caPem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the client CA file " + file + " " + e.getMessage());
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException(
          "the JDK's PKIX trust manager is an X509ExtendedTrustManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("the client CA file " + file + " cannot be used: " + e);
    }
  }
}
