package io.odoovps.operator;

import io.odoovps.operator.backup.BackupCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The image's entry point. With `backup`, `restore`, `prune`, `purge` or `list` as first argument
 * it runs the backup mode (what the backup CronJobs and restore Jobs run) and exits, without
 * starting the operator; otherwise it runs the operator.
 */
@QuarkusMain
public class Main {

  public static void main(String... args) {
    if (args.length > 0 && BackupCommand.COMMANDS.contains(args[0])) {
      BackupCommand.main(args);
      return;
    }
    Quarkus.run(args);
  }
}
