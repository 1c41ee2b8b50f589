package io.odoovps.operator.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plugin's command line: positional words, {@code --option value} (or {@code --option=value}),
 * {@code -n NAMESPACE}, and the flag {@code --lift}. Pure.
 */
record Arguments(List<String> positionals, Map<String, String> options, String error) {

  private static final Set<String> FLAGS = Set.of("lift");
  private static final Set<String> OPTIONS =
      Set.of(
          "namespace",
          "context",
          "kubeconfig",
          "reason",
          "authority",
          "backup",
          "name",
          "summary",
          "minutes",
          "note",
          "by",
          "ledger-namespace");

  static Arguments parse(List<String> args) {
    var positionals = new ArrayList<String>();
    var options = new HashMap<String, String>();
    for (int i = 0; i < args.size(); i++) {
      var arg = args.get(i);
      if (arg.equals("-n")) {
        arg = "--namespace";
      }
      if (!arg.startsWith("--")) {
        positionals.add(arg);
        continue;
      }
      var key = arg.substring(2);
      String value = null;
      int equals = key.indexOf('=');
      if (equals >= 0) {
        value = key.substring(equals + 1);
        key = key.substring(0, equals);
      }
      if (FLAGS.contains(key)) {
        options.put(key, "true");
        continue;
      }
      if (!OPTIONS.contains(key)) {
        return new Arguments(positionals, options, "unknown option --" + key);
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          return new Arguments(positionals, options, "--" + key + " needs a value");
        }
        value = args.get(++i);
      }
      options.put(key, value);
    }
    return new Arguments(List.copyOf(positionals), Map.copyOf(options), null);
  }

  String option(String key) {
    return options.get(key);
  }

  String option(String key, String otherwise) {
    return options.getOrDefault(key, otherwise);
  }

  boolean flag(String key) {
    return options.containsKey(key);
  }

  String required(String key) {
    var value = options.get(key);
    if (value == null || value.isBlank()) {
      throw new PluginCommand.UsageException("--" + key + " is required here");
    }
    return value;
  }

  String positional(int index, String what) {
    if (index >= positionals.size()) {
      throw new PluginCommand.UsageException("missing " + what);
    }
    return positionals.get(index);
  }
}
