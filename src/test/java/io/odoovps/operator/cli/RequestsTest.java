package io.odoovps.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each patching command of the plugin writes the patch that docs/kubectl-plugin.md gives for it
 * (the README's kubectl lines of before), as JSON, to the same kind and object.
 */
class RequestsTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A row: `command` | `kubectl patch KIND NAME --type merge|json -p 'BODY'`. */
  private static final Pattern ROW =
      Pattern.compile(
          "^\\| `([^`]+)`[^|]*\\| `kubectl patch (\\S+) (\\S+) --type (merge|json) -p '([^']+)'`");

  /** Splits a command as a shell would, for the double quotes the doc uses. */
  private static List<String> words(String command) {
    var words = new ArrayList<String>();
    var m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(command);
    while (m.find()) {
      words.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return words;
  }

  @Test
  void everyPatchingCommandWritesThePatchOfItsDocumentedKubectlLine() throws Exception {
    var rows =
        Files.readAllLines(Path.of("docs", "kubectl-plugin.md")).stream()
            .map(ROW::matcher)
            .filter(java.util.regex.Matcher::find)
            .toList();
    assertThat(rows).as("documented patching commands").hasSize(11);
    for (var row : rows) {
      var arguments = Arguments.parse(words(row.group(1)));
      var patch = Requests.forCommand(arguments, NOW, false).orElseThrow();
      var kind = row.group(2);
      assertThat(patch.target().singular().equals(kind) || patch.target().plural().equals(kind))
          .as("%s patches a %s", row.group(1), kind)
          .isTrue();
      assertThat(patch.name()).isEqualTo(row.group(3));
      assertThat(patch.jsonPatch()).isEqualTo(row.group(4).equals("json"));
      var expected = row.group(5).replace("NOW", "2026-03-01T10:15:30Z");
      assertThat(JSON.readTree(patch.body()))
          .as("what `%s` writes", row.group(1))
          .isEqualTo(JSON.readTree(expected));
    }
  }

  @Test
  void theFirstWorkOfATicketCreatesTheList() throws Exception {
    var patch =
        Requests.forCommand(
                Arguments.parse(List.of("ticket", "minutes", "t", "--minutes", "5", "--by", "bob")),
                NOW,
                true)
            .orElseThrow();
    assertThat(JSON.readTree(patch.body()))
        .isEqualTo(
            JSON.readTree(
                "[{\"op\":\"add\",\"path\":\"/spec/work\",\"value\":"
                    + "[{\"minutes\":5,\"at\":\"2026-03-01T10:15:30Z\",\"by\":\"bob\"}]}]"));
  }

  @Test
  void aWrongCommandLineSaysWhatIsMissing() {
    assertThat(Arguments.parse(List.of("suspend", "acme", "--reasn", "x")).error())
        .isEqualTo("unknown option --reasn");
    assertThat(Arguments.parse(List.of("suspend", "acme", "--reason")).error())
        .isEqualTo("--reason needs a value");
    assertThatThrownBy(
            () -> Requests.forCommand(Arguments.parse(List.of("suspend", "acme")), NOW, false))
        .hasMessage("--reason is required here");
    assertThatThrownBy(() -> Requests.forCommand(Arguments.parse(List.of("resume")), NOW, false))
        .hasMessage("missing the VPS");
    assertThatThrownBy(
            () ->
                Requests.forCommand(
                    Arguments.parse(List.of("ticket", "minutes", "t", "--minutes", "ten")),
                    NOW,
                    false))
        .hasMessage("--minutes must be a whole number of minutes");
    assertThat(
            Arguments.parse(List.of("-n", "customers", "describe", "acme", "--context=prod"))
                .options())
        .containsEntry("namespace", "customers")
        .containsEntry("context", "prod");
    assertThat(Requests.forCommand(Arguments.parse(List.of("describe", "acme")), NOW, false))
        .as("describe writes nothing")
        .isEmpty();
  }
}
