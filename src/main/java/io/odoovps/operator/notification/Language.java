package io.odoovps.operator.notification;

import java.util.Locale;

/** The language of a customer notice; French is the language of the contract. */
public enum Language {
  FR("fr"),
  EN("en");

  private final String code;

  Language(String code) {
    this.code = code;
  }

  /** The ISO 639-1 code, also the suffix of the template files ({@code fr}, {@code en}). */
  public String code() {
    return code;
  }

  /**
   * Leniently reads a language tag such as {@code en}, {@code EN}, {@code en-GB} or {@code fr_FR};
   * anything null, blank or unknown gives {@link #FR}, the language of the contract.
   */
  public static Language from(String tag) {
    if (tag == null) {
      return FR;
    }
    String primary = tag.trim().toLowerCase(Locale.ROOT).split("[-_]", 2)[0];
    for (Language language : values()) {
      if (language.code.equals(primary)) {
        return language;
      }
    }
    return FR;
  }
}
