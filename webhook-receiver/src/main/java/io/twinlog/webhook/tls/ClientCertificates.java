package io.twinlog.webhook.tls;

import io.twinlog.webhook.auth.AuthFailure;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The per-request part of client-certificate authentication. The handshake already verified the
 * chain; here the subject is held against the allowed list, and a session verified against a CA
 * bundle that has since been replaced (a kept-alive connection, a resumed session) is verified
 * again against the current one. Thread-safe.
 */
public final class ClientCertificates {
  /** Plain HTTP, or TLS without client certificates: nothing to check. */
  public static final ClientCertificates NONE =
      new ClientCertificates(ClientAuth.NONE, null, AllowedSubjects.parse(""));

  private final ClientAuth mode;
  private final WatchedFiles<X509ExtendedTrustManager> trust;
  private final AllowedSubjects allowed;

  ClientCertificates(
      ClientAuth mode, WatchedFiles<X509ExtendedTrustManager> trust, AllowedSubjects allowed) {
    this.mode = mode;
    this.trust = trust;
    this.allowed = allowed;
  }

  /**
   * Checks one request's TLS session.
   *
   * @param session null for plain HTTP
   * @return null when the request may go on to the other checks, else why not
   */
  public AuthFailure check(SSLSession session) {
    if (mode == ClientAuth.NONE) {
      return null;
    }
    X509Certificate[] chain = chain(session);
    if (chain == null) {
      // OPTIONAL: HMAC or the token decide. REQUIRED: the handshake refused it already.
      return mode == ClientAuth.REQUIRED ? AuthFailure.MISSING_CERTIFICATE : null;
    }
    var current = trust.current();
    if (!Integer.valueOf(current.generation())
        .equals(session.getValue(ReloadingTrustManager.VERIFIED_GENERATION))) {
      try {
        current.value().checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm());
        session.putValue(ReloadingTrustManager.VERIFIED_GENERATION, current.generation());
      } catch (CertificateException e) {
        session.invalidate();
        return AuthFailure.UNTRUSTED_CERTIFICATE;
      }
    }
    return allowed.allows(chain[0]) ? null : AuthFailure.SUBJECT_NOT_ALLOWED;
  }

  /** The client certificate's subject DN for a log line, or null without one. */
  public static String subject(SSLSession session) {
    X509Certificate[] chain = chain(session);
    return chain == null ? null : chain[0].getSubjectX500Principal().getName();
  }

  private static X509Certificate[] chain(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] peer = session.getPeerCertificates();
      if (peer.length == 0 || !(peer[0] instanceof X509Certificate)) {
        return null;
      }
      return Arrays.copyOf(peer, peer.length, X509Certificate[].class);
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
