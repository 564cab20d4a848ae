package io.twinlog.erp;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the SSL context that trusts the configured trust store. */
final class TlsContexts {
  private TlsContexts() {}

  /** Trusts exactly the PEM certificates given (a CA bundle, as a Secret's {@code ca.crt}). */
  static SSLContext trustingPem(String pem) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (Certificate certificate :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.strip().getBytes(StandardCharsets.US_ASCII)))) {
      store.setCertificateEntry("ca-" + i++, certificate);
    }
    if (i == 0) {
      throw new CertificateException("no certificate in the PEM text");
    }
    return trusting(store);
  }

  /** The trust store's type (PKCS12 or JKS) is detected from the file itself. */
  static SSLContext trusting(File truststore, String password) throws Exception {
    return trusting(
        KeyStore.getInstance(truststore, password == null ? null : password.toCharArray()));
  }

  private static SSLContext trusting(KeyStore store) throws Exception {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** Why the trust store cannot be used, or null; the message never holds the password. */
  static String loadProblem(File truststore, String password) {
    try {
      trusting(truststore, password);
      return null;
    } catch (GeneralSecurityException e) {
      return "cannot be loaded as a PKCS12 or JKS trust store ("
          + e.getClass().getSimpleName()
          + ")";
    } catch (Exception e) {
      // A wrong password surfaces as an IOException from KeyStore.load.
      return "cannot be loaded (wrong password or not a trust store: "
          + e.getClass().getSimpleName()
          + ")";
    }
  }
}
