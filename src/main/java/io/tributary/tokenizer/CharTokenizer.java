package io.tributary.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Character-level tokenizer for the built-in tasks. Ids 0-7 are special: PAD, BOS, EOS, UNK and the
 * four reasoning tags, each one token, so that a tag is one decision for the policy; then one id
 * per character of the alphabet. A character outside the alphabet becomes UNK.
 */
public final class CharTokenizer implements Tokenizer {
  public static final String THINK = "<think>";
  public static final String END_THINK = "</think>";
  public static final String ANSWER = "<answer>";
  public static final String END_ANSWER = "</answer>";

  /** Printable ASCII and newline. */
  public static final String DEFAULT_ALPHABET = defaultAlphabet();

  private static final List<String> SPECIALS =
      List.of("<pad>", "<bos>", "<eos>", "<unk>", THINK, END_THINK, ANSWER, END_ANSWER);
  private static final int PAD = 0;
  private static final int BOS = 1;
  private static final int EOS = 2;
  private static final int UNK = 3;
  private static final int TAGS = 4;

  private final String alphabet;
  private final Map<Character, Integer> ids = new HashMap<>();

  public CharTokenizer() {
    this(DEFAULT_ALPHABET);
  }

  public CharTokenizer(String alphabet) {
    this.alphabet = alphabet;
    for (int i = 0; i < alphabet.length(); i++) {
      if (ids.put(alphabet.charAt(i), SPECIALS.size() + i) != null) {
        throw new IllegalArgumentException(
            "alphabet: character '" + alphabet.charAt(i) + "' appears twice");
      }
    }
  }

  @Override
  public int[] encode(String text) {
    int[] out = new int[text.length()];
    int n = 0;
    int i = 0;
    outer:
    while (i < text.length()) {
      if (text.charAt(i) == '<') {
        for (int s = TAGS; s < SPECIALS.size(); s++) {
          if (text.startsWith(SPECIALS.get(s), i)) {
            out[n++] = s;
            i += SPECIALS.get(s).length();
            continue outer;
          }
        }
      }
      out[n++] = ids.getOrDefault(text.charAt(i), UNK);
      i++;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  @Override
  public String decode(int[] tokens) {
    StringBuilder sb = new StringBuilder();
    for (int id : tokens) {
      if (id == PAD || id == BOS || id == EOS) {
        continue;
      }
      if (id == UNK) {
        sb.append('\uFFFD');
      } else if (id < SPECIALS.size()) {
        sb.append(SPECIALS.get(id));
      } else if (id - SPECIALS.size() < alphabet.length()) {
        sb.append(alphabet.charAt(id - SPECIALS.size()));
      } else {
        throw new IllegalArgumentException(
            "token id " + id + " is outside the vocabulary of " + vocabSize());
      }
    }
    return sb.toString();
  }

  @Override
  public int vocabSize() {
    return SPECIALS.size() + alphabet.length();
  }

  @Override
  public int bos() {
    return BOS;
  }

  @Override
  public int eos() {
    return EOS;
  }

  @Override
  public int pad() {
    return PAD;
  }

  @Override
  public int specialId(String token) {
    return SPECIALS.indexOf(token);
  }

  @Override
  public TokenizerSpec spec() {
    return new TokenizerSpec.Characters(alphabet);
  }

  private static String defaultAlphabet() {
    StringBuilder sb = new StringBuilder("\n");
    for (char c = 32; c < 127; c++) {
      sb.append(c);
    }
    return sb.toString();
  }
}
