package io.twinlog.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.contracts.ErpSinkConfigKeys;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** The client-key checks that need no certificate (the ones that do are in ErpSinkMutualTlsIT). */
class TlsContextsTest {
  private static final String KEY_BODY = pemBody();

  private static String pemBody() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return Base64.getMimeEncoder(64, "\n".getBytes())
          .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String label) {
    return "-----BEGIN " + label + "-----\n" + KEY_BODY + "\n-----END " + label + "-----\n";
  }

  private static Map<String, String> props() {
    Map<String, String> props = new HashMap<>();
    props.put("name", "erp-client-key");
    props.put(ErpSinkConfigKeys.URL, "https://erp.internal/api/cdc");
    return props;
  }

  private static void startTask(Map<String, String> props) {
    ErpSinkTask task = new ErpSinkTask();
    task.initialize(new RecordingContext(true));
    try {
      task.start(props);
    } finally {
      task.stop();
    }
  }

  @Test
  void theCertificateAndTheKeyGoTogether() {
    Map<String, String> keyOnly = props();
    keyOnly.put(ErpSinkConfigKeys.TLS_CLIENT_KEY, pem("PRIVATE KEY"));
    assertThatThrownBy(() -> startTask(keyOnly))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "erp.tls.client.certificate and erp.tls.client.key go together: set both for mutual"
                + " TLS, or neither (erp.tls.client.certificate is missing)");

    Map<String, String> certificateOnly = props();
    certificateOnly.put(ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE, pem("CERTIFICATE"));
    assertThatThrownBy(() -> startTask(certificateOnly))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("(erp.tls.client.key is missing)");
    assertThat(errors(certificateOnly))
        .containsOnlyKeys(ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE)
        .extractingByKey(ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE)
        .asString()
        .contains("go together");

    Map<String, String> blank = props();
    blank.put(ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE, " ");
    blank.put(ErpSinkConfigKeys.TLS_CLIENT_KEY, "");
    assertThat(errors(blank)).isEmpty();
    startTask(blank);
  }

  @Test
  void onlyUnencryptedPkcs8KeysAreTakenWithTheOpensslCommandForTheOthers() {
    for (String label :
        new String[] {"RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}) {
      assertThatThrownBy(() -> TlsContexts.clientKey(pem("CERTIFICATE"), pem(label)))
          .as(label)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("erp.tls.client.key is a PEM '" + label + "'")
          .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt")
          .hasMessageNotContaining(KEY_BODY.substring(0, 40));
    }
    assertThatThrownBy(() -> TlsContexts.clientKey(pem("CERTIFICATE"), "s3cret, not PEM"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("erp.tls.client.key is not a PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  @Test
  void aCertificateThatIsNotPemIsNamedWithoutItsText() {
    assertThatThrownBy(() -> TlsContexts.clientKey("not a certificate", pem("PRIVATE KEY")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("erp.tls.client.certificate is not PEM X.509 certificates")
        .hasMessageNotContaining("not a certificate");
  }

  @Test
  void theKeysAreMaskedAsPasswords() {
    assertThat(ErpSinkConfig.CONFIG_DEF.configKeys().get(ErpSinkConfigKeys.TLS_CLIENT_KEY).type)
        .isEqualTo(ConfigDef.Type.PASSWORD);
    assertThat(
            ErpSinkConfig.CONFIG_DEF
                .configKeys()
                .get(ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE)
                .type)
        .isEqualTo(ConfigDef.Type.PASSWORD);
  }

  private static Map<String, String> errors(Map<String, String> props) {
    Map<String, String> errors = new HashMap<>();
    for (ConfigValue value : new ErpSinkConnector().validate(props).configValues()) {
      if (!value.errorMessages().isEmpty()) {
        errors.put(value.name(), value.errorMessages().toString());
      }
    }
    return errors;
  }
}
