package io.odoovps.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NoticeTemplatesTest {

  private final CustomerMailer mailer = new CustomerMailer(MailTestConfig.with(Map.of()));

  static Stream<Arguments> everyNoticeInEveryLanguage() {
    return Arrays.stream(Notice.values())
        .flatMap(n -> Arrays.stream(Language.values()).map(l -> Arguments.of(n, l)));
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("everyNoticeInEveryLanguage")
  void everyNoticeHasATemplateInEveryLanguageThatRendersFully(Notice notice, Language language) {
    assertThat(getClass().getClassLoader().getResource(notice.templatePath(language)))
        .as(notice.templatePath(language))
        .isNotNull();
    Map<String, String> values = MailTestConfig.fullValues(notice);

    RenderedMail mail = mailer.render(language, notice, values);

    assertThat(mail.subject()).isNotBlank().doesNotContain("{{", "}}", "\n");
    assertThat(mail.body()).doesNotContain("{{", "}}").doesNotStartWith("\n").endsWith("\n");
    String text = mail.subject() + "\n" + mail.body();
    assertThat(values.values()).allSatisfy(value -> assertThat(text).contains(value));
    assertThat(mail.body())
        .contains(language == Language.FR ? "Bonjour," : "Hello,")
        .endsWith(language == Language.FR ? "\nLe support\n" : "\nSupport\n");
  }

  @Test
  void accessCodesInFrench() {
    RenderedMail mail =
        mailer.render(
            Language.FR,
            Notice.ACCESS_CODES,
            Map.of(
                "vpsName", "acme-prod",
                "odooUrl", "https://acme.odoovps.example",
                "login", "admin",
                "password", "Zq7-kL9!x"));

    assertThat(mail.subject()).isEqualTo("Votre VPS Odoo acme-prod est prêt");
    assertThat(mail.body())
        .contains("Adresse de votre Odoo : https://acme.odoovps.example")
        .contains("Identifiant : admin")
        .contains("Mot de passe : Zq7-kL9!x");
    assertThat(mail.toString()).doesNotContain("Zq7-kL9!x");
  }

  @Test
  void missingPlaceholderThrowsNamingIt() {
    Map<String, String> values = new HashMap<>(MailTestConfig.fullValues(Notice.ACCESS_CODES));
    values.remove("password");

    assertThatThrownBy(() -> mailer.render(Language.EN, Notice.ACCESS_CODES, values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{{password}}")
        .hasMessageNotContaining("<login-value>");
  }

  @Test
  void nullValuesCountAsMissing() {
    assertThatThrownBy(() -> mailer.render(Language.FR, Notice.RESUMED, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{{vpsName}}");
  }

  @Test
  void aSubjectValueCannotInjectHeaders() {
    Map<String, String> values = Map.of("vpsName", "acme\r\nBcc: victim@example.com");

    assertThatThrownBy(() -> mailer.render(Language.FR, Notice.RESUMED, values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{{vpsName}}")
        .hasMessageNotContaining("victim");
  }

  @Test
  void valuesAreInsertedLiterally() {
    RenderedMail mail =
        mailer.render(
            Language.EN, Notice.SUSPENDED, Map.of("vpsName", "a$1\\b", "reason", "{{vpsName}}"));

    assertThat(mail.subject()).isEqualTo("Your Odoo VPS a$1\\b is suspended");
    assertThat(mail.body()).contains("  {{vpsName}}\n");
  }

  @Test
  void templateMustStartWithSubjectAndBlankLine() {
    assertThatThrownBy(() -> NoticeTemplate.parse("x.txt", "Hello\n\nbody"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Subject:");
    assertThatThrownBy(() -> NoticeTemplate.parse("x.txt", "Subject: hi\nbody"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("blank line");
  }

  @Test
  void templateNames() {
    assertThat(Notice.MAINTENANCE_SCHEDULED.templatePath(Language.EN))
        .isEqualTo("notifications/maintenance-scheduled.en.txt");
    assertThat(Notice.ACCESS_CODES.placeholders())
        .containsExactly("vpsName", "odooUrl", "login", "password");
  }

  @ParameterizedTest
  @CsvSource(
      value = {
        "fr,FR",
        "FR,FR",
        "fr-FR,FR",
        "en,EN",
        "EN,EN",
        "en-GB,EN",
        "en_US,EN",
        " en ,EN",
        "de,FR",
        "'',FR",
        "NULL,FR"
      },
      nullValues = "NULL")
  void languageFromIsLenientAndDefaultsToFrench(String tag, Language expected) {
    assertThat(Language.from(tag)).isEqualTo(expected);
  }
}
