package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's command key is one OpenSSH reads: its public half is the one ssh derives. */
class GuestCommandKeyTest {

  @Test
  void openSshDerivesThePublicLineFromThePrivatePem(@TempDir Path dir) throws Exception {
    var key = GuestCommandKey.generate();
    assertThat(key.privatePem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(key.publicLine()).startsWith("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY");
    var file = dir.resolve("id");
    Files.writeString(file, key.privatePem());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    var process =
        new ProcessBuilder("ssh-keygen", "-y", "-f", file.toString())
            .redirectErrorStream(true)
            .start();
    var output = new String(process.getInputStream().readAllBytes()).strip();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).isEqualTo(key.publicLine());
  }

  @Test
  void eachVpsGetsItsOwnKey() {
    assertThat(GuestCommandKey.generate().publicLine())
        .isNotEqualTo(GuestCommandKey.generate().publicLine());
  }
}
