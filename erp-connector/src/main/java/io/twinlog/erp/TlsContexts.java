package io.twinlog.erp;

import static io.twinlog.contracts.ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE;
import static io.twinlog.contracts.ErpSinkConfigKeys.TLS_CLIENT_KEY;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * Builds the SSL context for the ERP: the certificates it trusts and the client key it presents.
 */
final class TlsContexts {
  private TlsContexts() {}

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  /** A key entry needs a password even in a store that never leaves memory. */
  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  /** Null managers mean the JDK's defaults (its trust store; no client certificate). */
  static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot set up TLS", e);
    }
  }

  /** Trusts exactly the PEM certificates given (a CA bundle, as a Secret's {@code ca.crt}). */
  static TrustManager[] trustingPem(String pem) throws Exception {
    KeyStore store = emptyStore();
    int i = 0;
    for (X509Certificate certificate : certificates(pem)) {
      store.setCertificateEntry("ca-" + i++, certificate);
    }
    return trusting(store);
  }

  /** The trust store's type (PKCS12 or JKS) is detected from the file itself. */
  static TrustManager[] trusting(File truststore, String password) throws Exception {
    return trusting(
        KeyStore.getInstance(truststore, password == null ? null : password.toCharArray()));
  }

  private static TrustManager[] trusting(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf.getTrustManagers();
  }

  /** The PEM X.509 certificates of {@code pem} in their order; at least one. */
  static List<X509Certificate> certificates(String pem) throws CertificateException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Certificate certificate :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.strip().getBytes(StandardCharsets.US_ASCII)))) {
      certificates.add((X509Certificate) certificate);
    }
    if (certificates.isEmpty()) {
      throw new CertificateException("no certificate in the PEM text");
    }
    return certificates;
  }

  /**
   * The client key and its chain (leaf first) to present when the ERP asks for a certificate, or
   * null when neither text is set. Every problem is a {@link ConfigException} naming the keys,
   * never quoting the texts, so a wrong key fails the task's start rather than every handshake.
   */
  static KeyManager[] clientKey(String certificatePem, String keyPem) {
    boolean hasCertificate = certificatePem != null && !certificatePem.isBlank();
    boolean hasKey = keyPem != null && !keyPem.isBlank();
    if (!hasCertificate && !hasKey) {
      return null;
    }
    if (hasCertificate != hasKey) {
      throw new ConfigException(
          TLS_CLIENT_CERTIFICATE
              + " and "
              + TLS_CLIENT_KEY
              + " go together: set both for mutual TLS, or neither ("
              + (hasKey ? TLS_CLIENT_CERTIFICATE : TLS_CLIENT_KEY)
              + " is missing)");
    }
    byte[] pkcs8 = pkcs8(keyPem);
    List<X509Certificate> chain;
    try {
      chain = certificates(certificatePem);
    } catch (CertificateException e) {
      throw new ConfigException(
          TLS_CLIENT_CERTIFICATE
              + " is not PEM X.509 certificates ("
              + e.getClass().getSimpleName()
              + ")");
    }
    PublicKey leaf = chain.get(0).getPublicKey();
    PrivateKey key;
    try {
      key =
          KeyFactory.getInstance(leaf.getAlgorithm())
              .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (NoSuchAlgorithmException e) {
      throw new ConfigException(
          TLS_CLIENT_CERTIFICATE + " has a " + leaf.getAlgorithm() + " key the JDK cannot use");
    } catch (InvalidKeySpecException e) {
      throw new ConfigException(
          TLS_CLIENT_KEY
              + " is not a PKCS#8 "
              + leaf.getAlgorithm()
              + " private key, so it cannot be the key of the first (leaf) certificate in "
              + TLS_CLIENT_CERTIFICATE);
    }
    if (!signsFor(key, leaf)) {
      throw new ConfigException(
          TLS_CLIENT_KEY
              + " does not match "
              + TLS_CLIENT_CERTIFICATE
              + ": it is not the private key of the first (leaf) certificate");
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate issuer = chain.get(i + 1);
      // The key store refuses such a chain too, but with a message naming neither key.
      if (!chain.get(i).getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        throw new ConfigException(
            TLS_CLIENT_CERTIFICATE
                + " is not a chain in order: the leaf first, each certificate followed by its"
                + " issuer's (certificate "
                + (i + 2)
                + " did not issue certificate "
                + (i + 1)
                + ")");
      }
    }
    try {
      KeyStore store = emptyStore();
      store.setKeyEntry("client", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, IN_MEMORY);
      return kmf.getKeyManagers();
    } catch (Exception e) {
      throw new ConfigException(
          "cannot build the client key from "
              + TLS_CLIENT_CERTIFICATE
              + " and "
              + TLS_CLIENT_KEY
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** The DER of an unencrypted PKCS#8 PEM key: the only form the JDK parses on its own. */
  private static byte[] pkcs8(String keyPem) {
    Matcher block = PEM_BLOCK.matcher(keyPem);
    if (!block.find()) {
      throw new ConfigException(
          TLS_CLIENT_KEY + " is not a PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    if (!block.group(1).equals("PRIVATE KEY")) {
      // PKCS#1 (RSA) and SEC1 (EC) keys name no algorithm and the JDK has no public parser for
      // them; an encrypted key would need a password this connector does not take.
      throw new ConfigException(
          TLS_CLIENT_KEY
              + " is a PEM '"
              + block.group(1)
              + "'; it must be an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----): convert"
              + " it with openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem");
    }
    try {
      return Base64.getMimeDecoder().decode(block.group(2));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(TLS_CLIENT_KEY + " is not valid base64 inside its PEM lines");
    }
  }

  /**
   * Whether {@code key} is the private half of {@code publicKey}, proved by a signature: the one
   * check that works alike for RSA, EC and EdDSA without each algorithm's own arithmetic.
   */
  private static boolean signsFor(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // EdDSA, Ed25519 and Ed448 name their own signature
        };
    Signature signer;
    Signature verifier;
    try {
      signer = Signature.getInstance(algorithm);
      verifier = Signature.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new ConfigException(
          TLS_CLIENT_KEY + " is a " + key.getAlgorithm() + " key; use an RSA, EC or EdDSA key");
    }
    byte[] challenge = "twinlog client key check".getBytes(StandardCharsets.US_ASCII);
    byte[] signature;
    try {
      signer.initSign(key);
      signer.update(challenge);
      signature = signer.sign();
    } catch (GeneralSecurityException e) {
      throw new ConfigException(
          TLS_CLIENT_KEY
              + " cannot sign ("
              + e.getClass().getSimpleName()
              + "); use an RSA, EC or EdDSA key");
    }
    try {
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // A key of another curve or size than the certificate's fails here rather than verifying.
      return false;
    }
  }

  private static KeyStore emptyStore() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
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
