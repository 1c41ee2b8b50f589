package io.odoovps.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template syntax that Qute renders: only {@code {{name}}} is a placeholder. */
class NoticeTemplateTest {

  @Test
  void bracesThatAreNoPlaceholderAreText() {
    var template =
        NoticeTemplate.parse(
            "x.txt", "Subject: {{ vps }} {a}\n\nBody {b} {#if x}{/if} {{vps}}, {{ other }} }\n");

    assertThat(template.placeholders()).containsExactly("vps", "other");
    var mail = template.render(Map.of("vps", "acme", "other", "{{vps}} {c}"));
    assertThat(mail.subject()).isEqualTo("acme {a}");
    assertThat(mail.body()).isEqualTo("Body {b} {#if x}{/if} acme, {{vps}} {c} }\n");
  }
}
