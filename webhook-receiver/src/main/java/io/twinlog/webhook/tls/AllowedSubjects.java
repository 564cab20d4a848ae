package io.twinlog.webhook.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * The client certificates allowed past a verified handshake: entries separated by {@code ;}, each a
 * subject DN ({@code CN=sap-prod,O=Acme}, compared as a distinguished name: case and spaces around
 * separators do not count, order does), a URI ({@code spiffe://acme/erp}, exact) or a DNS name
 * ({@code erp.acme.example}, case-insensitive), matched against the subject and the subject
 * alternative names. Empty allows every certificate the CA signed.
 */
public final class AllowedSubjects {
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;

  private final List<X500Principal> names;
  private final List<String> uris;
  private final List<String> dnsNames;

  private AllowedSubjects(List<X500Principal> names, List<String> uris, List<String> dnsNames) {
    this.names = names;
    this.uris = uris;
    this.dnsNames = dnsNames;
  }

  /**
   * Reads the list.
   *
   * @throws IllegalArgumentException naming an entry that looks like a DN and is not one
   */
  public static AllowedSubjects parse(String text) {
    List<X500Principal> names = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    List<String> dnsNames = new ArrayList<>();
    for (String raw : (text == null ? "" : text).split(";")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.contains("://")) {
        uris.add(entry);
      } else if (entry.contains("=")) {
        try {
          names.add(new X500Principal(entry));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "'" + entry + "' is not a distinguished name (" + e.getMessage() + ")");
        }
      } else {
        dnsNames.add(entry.toLowerCase(Locale.ROOT));
      }
    }
    return new AllowedSubjects(List.copyOf(names), List.copyOf(uris), List.copyOf(dnsNames));
  }

  /** True when no entry is given: any certificate the CA signed is allowed. */
  public boolean allowsAny() {
    return names.isEmpty() && uris.isEmpty() && dnsNames.isEmpty();
  }

  public int size() {
    return names.size() + uris.size() + dnsNames.size();
  }

  /** True when the certificate's subject or one of its DNS or URI names is listed. */
  public boolean allows(X509Certificate certificate) {
    if (allowsAny() || names.contains(certificate.getSubjectX500Principal())) {
      return true;
    }
    Collection<List<?>> alternatives;
    try {
      alternatives = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (alternatives == null) {
      return false;
    }
    for (List<?> alternative : alternatives) {
      int type = (Integer) alternative.get(0);
      Object value = alternative.get(1);
      if (type == SAN_DNS
          && value instanceof String dns
          && dnsNames.contains(dns.toLowerCase(Locale.ROOT))) {
        return true;
      }
      if (type == SAN_URI && value instanceof String uri && uris.contains(uri)) {
        return true;
      }
    }
    return false;
  }
}
