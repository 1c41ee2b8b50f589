package io.odoovps.operator;

import io.odoovps.operator.backup.BackupCommand;
import io.odoovps.operator.cli.PluginCommand;
import io.odoovps.operator.disk.FillDiskCommand;
import io.odoovps.operator.disk.GrowDiskCommand;
import io.odoovps.operator.shaper.ShaperCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The image's entry point. With `backup`, `restore`, `prune`, `purge` or `list` as first argument
 * it runs the backup mode (what the backup CronJobs and restore Jobs run), with `fill-disk` it
 * fills a disk claim from the provider image (the fill Job on a cluster without CDI), with
 * `grow-disk-image` it grows that disk to a bigger plan's (the growth Job), and exits, without
 * starting the operator; with `shape` it runs the node agent that shapes the VPS pods' bandwidth
 * (the shaper DaemonSet); with `plugin` it is the kubectl plugin (`kubectl odoovps`); otherwise it
 * runs the operator.
 */
@QuarkusMain
public class Main {

  public static void main(String... args) throws InterruptedException {
    if (args.length > 0 && PluginCommand.COMMAND.equals(args[0])) {
      PluginCommand.main(args);
      return;
    }
    if (args.length > 0 && ShaperCommand.COMMAND.equals(args[0])) {
      ShaperCommand.main(args);
      return;
    }
    if (args.length > 0 && FillDiskCommand.COMMAND.equals(args[0])) {
      FillDiskCommand.main(args);
      return;
    }
    if (args.length > 0 && GrowDiskCommand.COMMAND.equals(args[0])) {
      GrowDiskCommand.main(args);
      return;
    }
    if (args.length > 0 && BackupCommand.COMMANDS.contains(args[0])) {
      BackupCommand.main(args);
      return;
    }
    Quarkus.run(args);
  }
}
