package io.twinlog.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} / {@code 127.0.0.1}, made at run time with the
 * JDK's {@code keytool} (no key material is checked in). It acts as its own CA: a client that
 * trusts {@link #caPem()} verifies the server, host name included, as it would a Strimzi listener
 * signed by the cluster CA.
 *
 * @param keyStore PKCS12 key store holding the key and the certificate
 * @param password the key store's (and key's) password
 * @param caPem the certificate in PEM, what a Strimzi {@code <cluster>-cluster-ca-cert} Secret
 *     holds under {@code ca.crt}
 */
public record TestCertificates(Path keyStore, String password, String caPem) {

  /** Makes a key pair and certificate in {@code dir}. */
  public static TestCertificates localhost(Path dir) {
    try {
      Files.createDirectories(dir);
      Path store = dir.resolve("server.p12");
      Path pem = dir.resolve("ca.crt");
      String password = UUID.randomUUID().toString();
      genkeypair(
          store, password, "server", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1");
      exportPem(store, password, "server", pem);
      return new TestCertificates(
          store, password, Files.readString(pem, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IllegalStateException("could not write test certificates to " + dir, e);
    }
  }

  /**
   * A client certificate signed by a clients CA of its own, as Strimzi's User Operator writes for a
   * {@code KafkaUser} with {@code authentication: tls}.
   *
   * @param clientsCaPem the clients CA certificate (PEM): what the broker trusts
   * @param certificatePem the user's certificate (PEM), the Secret's {@code user.crt}
   * @param keyPem the user's private key (PKCS#8 PEM), the Secret's {@code user.key}
   */
  public record ClientCertificate(
      Path clientsCa, String clientsCaPem, String certificatePem, String keyPem) {}

  /** Makes a clients CA and a certificate for {@code user} signed by it, in {@code dir}. */
  public static ClientCertificate client(Path dir, String user) {
    try {
      Files.createDirectories(dir);
      String password = UUID.randomUUID().toString();
      Path caStore = dir.resolve("clients-ca.p12");
      Path caPem = dir.resolve("clients-ca.crt");
      Path userStore = dir.resolve("user.p12");
      Path csr = dir.resolve("user.csr");
      Path userPem = dir.resolve("user.crt");
      genkeypair(caStore, password, "ca", "CN=twinlog-test-clients-ca", "-ext", "bc:c");
      exportPem(caStore, password, "ca", caPem);
      genkeypair(userStore, password, "user", "CN=" + user);
      keytool(
          "-certreq",
          "-alias",
          "user",
          "-keystore",
          userStore.toString(),
          "-storepass",
          password,
          "-file",
          csr.toString());
      keytool(
          "-gencert",
          "-rfc",
          "-alias",
          "ca",
          "-validity",
          "2",
          "-keystore",
          caStore.toString(),
          "-storepass",
          password,
          "-infile",
          csr.toString(),
          "-outfile",
          userPem.toString());
      String keyPem = privateKeyPem(userStore, password, "user");
      return new ClientCertificate(
          caPem,
          Files.readString(caPem, StandardCharsets.US_ASCII),
          Files.readString(userPem, StandardCharsets.US_ASCII),
          keyPem);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not make a client certificate in " + dir, e);
    }
  }

  /**
   * A server certificate signed by a CA of its own, as a database's certificate usually is, in PEM
   * files the server reads and a PKCS12 trust store of the CA that Debezium's binlog reader reads.
   *
   * @param caPem the CA certificate (PEM): a Strimzi-style CA Secret's {@code ca.crt}
   * @param certificate the server's certificate file (PEM), naming {@code localhost} and {@code
   *     127.0.0.1}
   * @param key the server's private key file (PKCS#8 PEM)
   * @param ca the CA certificate file (PEM)
   * @param trustStore a PKCS12 trust store holding the CA: the Secret's {@code ca.p12}
   * @param trustStorePassword its password: the Secret's {@code ca.password}
   */
  public record ServerCertificate(
      String caPem,
      Path certificate,
      Path key,
      Path ca,
      Path trustStore,
      String trustStorePassword) {}

  /** Makes a CA and a certificate for {@code localhost} / {@code 127.0.0.1} signed by it. */
  public static ServerCertificate server(Path dir) {
    try {
      Files.createDirectories(dir);
      String password = UUID.randomUUID().toString();
      Path caStore = dir.resolve("ca-keys.p12");
      Path caPem = dir.resolve("ca.crt");
      Path serverStore = dir.resolve("server-keys.p12");
      Path csr = dir.resolve("server.csr");
      Path serverPem = dir.resolve("server.crt");
      Path keyPem = dir.resolve("server.key");
      Path trustStore = dir.resolve("ca.p12");
      genkeypair(caStore, password, "ca", "CN=twinlog-test-db-ca", "-ext", "bc:c");
      exportPem(caStore, password, "ca", caPem);
      genkeypair(serverStore, password, "server", "CN=localhost");
      keytool(
          "-certreq",
          "-alias",
          "server",
          "-keystore",
          serverStore.toString(),
          "-storepass",
          password,
          "-file",
          csr.toString());
      keytool(
          "-gencert",
          "-rfc",
          "-alias",
          "ca",
          "-validity",
          "2",
          "-ext",
          "SAN=dns:localhost,ip:127.0.0.1",
          "-keystore",
          caStore.toString(),
          "-storepass",
          password,
          "-infile",
          csr.toString(),
          "-outfile",
          serverPem.toString());
      Files.writeString(
          keyPem, privateKeyPem(serverStore, password, "server"), StandardCharsets.US_ASCII);
      keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "ca",
          "-file",
          caPem.toString(),
          "-keystore",
          trustStore.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password);
      return new ServerCertificate(
          Files.readString(caPem, StandardCharsets.US_ASCII),
          serverPem,
          keyPem,
          caPem,
          trustStore,
          password);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not make a server certificate in " + dir, e);
    }
  }

  /** The private key of {@code alias} as PKCS#8 PEM. */
  private static String privateKeyPem(Path store, String password, String alias)
      throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      keys.load(in, password.toCharArray());
    }
    byte[] pkcs8 = keys.getKey(alias, password.toCharArray()).getEncoded();
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** An EC key pair with a self-signed certificate valid two days, in a PKCS12 store. */
  private static void genkeypair(
      Path store, String password, String alias, String dname, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                dname));
    args.addAll(List.of(extra));
    args.addAll(
        List.of("-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", password));
    keytool(args.toArray(String[]::new));
  }

  /** The certificate of {@code alias} as PEM in {@code file}. */
  private static void exportPem(Path store, String password, String alias, Path file)
      throws IOException {
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        alias,
        "-keystore",
        store.toString(),
        "-storepass",
        password,
        "-file",
        file.toString());
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
