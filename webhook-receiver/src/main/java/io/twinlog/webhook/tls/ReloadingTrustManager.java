package io.twinlog.webhook.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificates against the newest CA bundle from {@link WatchedFiles}, and marks
 * the session with the bundle's generation, so {@link ClientCertificates} can tell a session
 * verified against a CA that has since been replaced.
 */
final class ReloadingTrustManager extends X509ExtendedTrustManager {
  /** Session value: the CA generation the peer's chain was verified against. */
  static final String VERIFIED_GENERATION = "io.twinlog.webhook.client-ca-generation";

  private final WatchedFiles<X509ExtendedTrustManager> trust;

  ReloadingTrustManager(WatchedFiles<X509ExtendedTrustManager> trust) {
    this.trust = trust;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    var loaded = trust.current();
    loaded.value().checkClientTrusted(chain, authType, engine);
    mark(engine == null ? null : engine.getHandshakeSession(), loaded.generation());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    var loaded = trust.current();
    loaded.value().checkClientTrusted(chain, authType, socket);
    mark(socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null, loaded.generation());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    trust.current().value().checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return trust.current().value().getAcceptedIssuers();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies clients only");
  }

  private static void mark(SSLSession session, int generation) {
    if (session != null) {
      session.putValue(VERIFIED_GENERATION, generation);
    }
  }
}
