package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import lombok.Setter;

/** Where the HMAC-SHA256 signature and its timestamp are, and what they cover. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class HmacSpec {

  @JsonPropertyDescription("Header carrying the signature. Default: X-Signature.")
  @Default("X-Signature")
  @Pattern(ApiPatterns.HEADER_NAME)
  @Size(min = 1, max = 128)
  private String signatureHeader;

  @JsonPropertyDescription("Text before the signature in its header, e.g. sha256=. Default: none.")
  @Default("")
  @Pattern("^[!-~]*$")
  @Size(max = 32)
  private String signaturePrefix;

  @JsonPropertyDescription("How the signature is written: hex or base64. Default: hex.")
  @Default("hex")
  @Pattern("^(hex|base64)$")
  private String encoding;

  @JsonPropertyDescription(
      "Header carrying the signing time in Unix seconds. Default: X-Timestamp. Empty turns the"
          + " replay check off (not recommended).")
  @Default("X-Timestamp")
  @Pattern("^([!#$%&*+.^_`|~0-9A-Za-z-]+)?$")
  @Size(max = 128)
  private String timestampHeader;

  @JsonPropertyDescription(
      "What the signature covers: timestamp.body ('<timestamp>.<body>', so the timestamp cannot be"
          + " altered) or body. Default: timestamp.body.")
  @Default("timestamp.body")
  @Pattern("^(timestamp\\.body|body)$")
  private String signedContent;

  @JsonPropertyDescription(
      "How far the timestamp may be from the receiver's clock, either way (a duration). Default:"
          + " 5m.")
  @Default("5m")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) >= duration('1s')",
      message = "must be at least 1s")
  private String replayWindow;

  public String getSignatureHeader() {
    return signatureHeader == null ? "X-Signature" : signatureHeader;
  }

  public String getSignaturePrefix() {
    return signaturePrefix == null ? "" : signaturePrefix;
  }

  public String getEncoding() {
    return encoding == null ? "hex" : encoding;
  }

  public String getTimestampHeader() {
    return timestampHeader == null ? "X-Timestamp" : timestampHeader;
  }

  public String getSignedContent() {
    return signedContent == null ? "timestamp.body" : signedContent;
  }

  public String getReplayWindow() {
    return replayWindow == null ? "5m" : replayWindow;
  }
}
