package io.twinlog.erp;

import java.io.File;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the SSL context that trusts the configured trust store. */
final class TlsContexts {
  private TlsContexts() {}

  /** The trust store's type (PKCS12 or JKS) is detected from the file itself. */
  static SSLContext trusting(File truststore, String password) throws Exception {
    KeyStore store =
        KeyStore.getInstance(truststore, password == null ? null : password.toCharArray());
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
