package io.odoovps.operator.ops;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON-like Java values (maps, lists, strings, numbers, booleans) as a Lua table
 * constructor, the way Argo CD hands an object to a health script: objects become tables with
 * string keys, arrays tables with indices from 1, JSON null an absent key.
 */
final class LuaLiteral {

  private LuaLiteral() {}

  static String of(Object value) {
    var out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("nil");
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      map.forEach(
          (key, item) -> {
            if (item != null) {
              out.append('[');
              write(out, String.valueOf(key));
              out.append("]=");
              write(out, item);
              out.append(',');
            }
          });
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('{');
      for (var item : list) {
        write(out, item);
        out.append(',');
      }
      out.append('}');
    } else if (value instanceof String text) {
      out.append('"');
      for (var ch : text.toCharArray()) {
        switch (ch) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (ch < 0x20) {
              out.append(String.format("\\%03d", (int) ch));
            } else {
              out.append(ch);
            }
          }
        }
      }
      out.append('"');
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    }
  }
}
