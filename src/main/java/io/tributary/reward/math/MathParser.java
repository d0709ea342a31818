package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.BaseNumber;
import io.tributary.reward.math.MathExpr.Binary;
import io.tributary.reward.math.MathExpr.Bracketed;
import io.tributary.reward.math.MathExpr.Call;
import io.tributary.reward.math.MathExpr.Conjunction;
import io.tributary.reward.math.MathExpr.Const;
import io.tributary.reward.math.MathExpr.Constant;
import io.tributary.reward.math.MathExpr.Fn;
import io.tributary.reward.math.MathExpr.Matrix;
import io.tributary.reward.math.MathExpr.Neg;
import io.tributary.reward.math.MathExpr.Num;
import io.tributary.reward.math.MathExpr.Op;
import io.tributary.reward.math.MathExpr.Percent;
import io.tributary.reward.math.MathExpr.Rel;
import io.tributary.reward.math.MathExpr.Relation;
import io.tributary.reward.math.MathExpr.SetOf;
import io.tributary.reward.math.MathExpr.Union;
import io.tributary.reward.math.MathExpr.Var;
import io.tributary.reward.math.MathLexer.Kind;
import io.tributary.reward.math.MathLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A recursive-descent parser for normalised answers (run {@link AnswerNormalizer} first). Grammar,
 * loosest binding first:
 *
 * <pre>
 * answer   = relation { (',' | ';') relation } END      several: an unordered set
 * relation = union { ('=' | '<' | '\le' | ...) union }  a chain is a conjunction
 * union    = expr { '\cup' expr }
 * expr     = term { ('+' | '-' | '\pm') term }
 * term     = unary { ('*' | '\cdot' | '\times' | '/' | '\div') unary | implicit-factor }
 * unary    = ('-' | '+' | '\pm') unary | power
 * power    = postfix [ '^' (group | unary) ]             right-associative
 * postfix  = primary { '!' | '%' }
 * primary  = number ['_' base] | letter | constant | '\frac' group group | '\sqrt' ['[' expr ']'] group
 *          | function ['^' group] argument | '(' list ')' | '[' list ')' | '{' expr '}'
 *          | '\{' list '\}' | '|' expr '|' | '\matrix{' rows '}' | '\binom' group group
 * </pre>
 *
 * Implicit multiplication ({@code 2x}, {@code 3\sqrt{2}}, {@code 2(x+1)}) binds like {@code *}, as
 * in SymPy's LaTeX parser, so {@code 1/2x} is x/2.
 *
 * <p>Longer than 300 lines on purpose: a recursive-descent grammar reads best as one method per
 * rule in one file.
 */
public final class MathParser {
  private static final Map<String, Rel> RELATIONS =
      Map.ofEntries(
          Map.entry("le", Rel.LE),
          Map.entry("leq", Rel.LE),
          Map.entry("leqslant", Rel.LE),
          Map.entry("ge", Rel.GE),
          Map.entry("geq", Rel.GE),
          Map.entry("geqslant", Rel.GE),
          Map.entry("ne", Rel.NE),
          Map.entry("neq", Rel.NE),
          Map.entry("lt", Rel.LT),
          Map.entry("gt", Rel.GT),
          Map.entry("approx", Rel.EQ)); // "x \approx 3.14" states a value as "=" does

  private static final Map<String, Fn> FUNCTIONS =
      Map.ofEntries(
          Map.entry("sin", Fn.SIN),
          Map.entry("cos", Fn.COS),
          Map.entry("tan", Fn.TAN),
          Map.entry("sec", Fn.SEC),
          Map.entry("csc", Fn.CSC),
          Map.entry("cot", Fn.COT),
          Map.entry("arcsin", Fn.ARCSIN),
          Map.entry("arccos", Fn.ARCCOS),
          Map.entry("arctan", Fn.ARCTAN),
          Map.entry("sinh", Fn.SINH),
          Map.entry("cosh", Fn.COSH),
          Map.entry("tanh", Fn.TANH),
          Map.entry("ln", Fn.LN),
          Map.entry("log", Fn.LN), // SymPy's log, which Math-Verify compares with, is natural
          Map.entry("exp", Fn.EXP));

  private static final Map<Fn, Fn> INVERSES =
      Map.of(Fn.SIN, Fn.ARCSIN, Fn.COS, Fn.ARCCOS, Fn.TAN, Fn.ARCTAN);

  /** Letters that name a function in {@code f(x) = ...}. */
  private static final String FUNCTION_NAMES = "fghpqFGHPQ";

  /** Deeper nesting than any real answer; stops a hostile completion from overflowing the stack. */
  private static final int MAX_DEPTH = 200;

  private final String source;
  private final List<Token> tokens;
  private int pos;
  private int depth;

  private MathParser(String source) throws MathParseException {
    this.source = source;
    this.tokens = MathLexer.tokenize(source);
  }

  /** Parses a normalised answer. */
  public static MathExpr parse(String normalised) throws MathParseException {
    MathParser parser = new MathParser(normalised);
    if (parser.peek().kind() == Kind.END) {
      throw new MathParseException("the answer is empty");
    }
    return parser.answer();
  }

  private MathExpr answer() throws MathParseException {
    List<MathExpr> items = new ArrayList<>();
    items.add(relation());
    while (peek().isSymbol(',') || peek().isSymbol(';')) {
      pos++;
      items.add(relation());
    }
    if (peek().kind() != Kind.END) {
      throw error("unexpected '" + peek().text() + "'");
    }
    return items.size() == 1 ? items.get(0) : SetOf.bare(List.copyOf(items));
  }

  private MathExpr relation() throws MathParseException {
    enter();
    try {
      return relationBody();
    } finally {
      depth--;
    }
  }

  private void enter() throws MathParseException {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private MathExpr relationBody() throws MathParseException {
    MathExpr left = union();
    List<Relation> chain = new ArrayList<>();
    Rel rel;
    while ((rel = relationAhead()) != null) {
      MathExpr right = union();
      chain.add(new Relation(rel, left, right));
      left = right;
    }
    if (chain.isEmpty()) {
      return left;
    }
    return chain.size() == 1 ? chain.get(0) : new Conjunction(List.copyOf(chain));
  }

  /** Consumes a relation operator and returns it, or returns null and consumes nothing. */
  private Rel relationAhead() {
    Token t = peek();
    if (t.isSymbol('=')) {
      pos++;
      return Rel.EQ;
    }
    if (t.isSymbol('!') && tokens.get(pos + 1).isSymbol('=')) {
      pos += 2;
      return Rel.NE;
    }
    if (t.isSymbol('<') || t.isSymbol('>')) {
      pos++;
      boolean orEqual = peek().isSymbol('=');
      if (orEqual) {
        pos++;
      }
      return t.isSymbol('<') ? (orEqual ? Rel.LE : Rel.LT) : (orEqual ? Rel.GE : Rel.GT);
    }
    if (t.kind() == Kind.COMMAND && RELATIONS.containsKey(t.text())) {
      pos++;
      return RELATIONS.get(t.text());
    }
    return null;
  }

  private MathExpr union() throws MathParseException {
    MathExpr first = expr();
    if (!peek().is(Kind.COMMAND, "cup")) {
      return first;
    }
    List<MathExpr> parts = new ArrayList<>(List.of(first));
    while (peek().is(Kind.COMMAND, "cup")) {
      pos++;
      parts.add(expr());
    }
    return new Union(List.copyOf(parts));
  }

  private MathExpr expr() throws MathParseException {
    MathExpr left = term();
    while (peek().isSymbol('+') || peek().isSymbol('-')) {
      Op op = next().isSymbol('+') ? Op.ADD : Op.SUB;
      left = new Binary(op, left, term());
    }
    if (peek().is(Kind.COMMAND, "pm")) {
      // a \pm b: the two answers a + b and a - b
      pos++;
      MathExpr right = term();
      return SetOf.bare(List.of(new Binary(Op.ADD, left, right), new Binary(Op.SUB, left, right)));
    }
    return left;
  }

  private MathExpr term() throws MathParseException {
    MathExpr left = unary();
    while (true) {
      Token t = peek();
      if (t.isSymbol('*') || t.is(Kind.COMMAND, "cdot") || t.is(Kind.COMMAND, "times")) {
        pos++;
        left = new Binary(Op.MUL, left, unary());
      } else if (t.isSymbol('/') || t.is(Kind.COMMAND, "div")) {
        pos++;
        left = new Binary(Op.DIV, left, unary());
      } else if (startsImplicitFactor(t)) {
        left = new Binary(Op.MUL, left, power());
      } else {
        return left;
      }
    }
  }

  /** A number never starts an implicit factor: "2 3" is a typo, not six. */
  private static boolean startsImplicitFactor(Token t) {
    return switch (t.kind()) {
      case LETTER -> true;
      case COMMAND -> isPrimaryCommand(t.text());
      case SYMBOL -> t.isSymbol('(');
      default -> false;
    };
  }

  private static boolean isPrimaryCommand(String name) {
    return switch (name) {
      case "frac",
          "dfrac",
          "tfrac",
          "cfrac",
          "sqrt",
          "pi",
          "infty",
          "inf",
          "oo",
          "binom",
          "dbinom",
          "tbinom",
          "lfloor",
          "lceil" ->
          true;
      default -> FUNCTIONS.containsKey(name);
    };
  }

  private MathExpr unary() throws MathParseException {
    enter();
    try {
      return unaryBody();
    } finally {
      depth--;
    }
  }

  /** {@code \pm x} is the two answers x and -x, as Math-Verify reads it. */
  private MathExpr unaryBody() throws MathParseException {
    if (peek().is(Kind.COMMAND, "pm")) {
      pos++;
      MathExpr operand = unary();
      return SetOf.bare(List.of(operand, new Neg(operand)));
    }
    if (peek().isSymbol('-')) {
      pos++;
      return new Neg(unary());
    }
    if (peek().isSymbol('+')) {
      pos++;
      return unary();
    }
    return power();
  }

  private MathExpr power() throws MathParseException {
    MathExpr base = postfix();
    if (!peek().isSymbol('^')) {
      return base;
    }
    pos++;
    MathExpr exponent = peek().isSymbol('{') ? group() : exponentAtom();
    return postfixOps(new Binary(Op.POW, base, exponent));
  }

  /**
   * {@code 2^-1}, {@code 2^10}, {@code x^2}: a sign and one atom, right-associative. A plain-text
   * answer writes 2^10 for 2^{10}, so the whole number is the exponent.
   */
  private MathExpr exponentAtom() throws MathParseException {
    if (peek().isSymbol('-')) {
      pos++;
      return new Neg(exponentAtom());
    }
    return power();
  }

  private MathExpr postfix() throws MathParseException {
    return postfixOps(primary());
  }

  private MathExpr postfixOps(MathExpr value) {
    while (true) {
      if (peek().isSymbol('%')) {
        pos++;
        value = new Percent(value);
      } else if (peek().isSymbol('!') && !tokens.get(pos + 1).isSymbol('=')) {
        pos++;
        value = new Call(Fn.FACTORIAL, value);
      } else {
        return value;
      }
    }
  }

  private MathExpr primary() throws MathParseException {
    Token t = next();
    switch (t.kind()) {
      case NUMBER:
        if (peek().isSymbol('_')) {
          return baseNumber(t);
        }
        String text = t.text();
        return new Num(
            BigRational.parseDecimal(
                text.endsWith(".") ? text.substring(0, text.length() - 1) : text),
            text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0);
      case LETTER:
        if (peek().isSymbol('_')) {
          return subscripted(t.text());
        }
        if (FUNCTION_NAMES.indexOf(t.text().charAt(0)) >= 0 && definesFunction()) {
          return functionHead(t.text());
        }
        // e is Euler's number, as latex2sympy reads it; a variable named e is rare in answers
        return t.text().equals("e") ? new Const(Constant.E) : new Var(t.text());
      case COMMAND:
        return command(t);
      case SYMBOL:
        if (t.isSymbol('(') || t.isSymbol('[')) {
          return bracketed(t.text().charAt(0));
        }
        if (t.isSymbol('{')) {
          pos--;
          return group();
        }
        if (t.isSymbol('|')) {
          MathExpr inner = expr();
          expect('|');
          return new Call(Fn.ABS, inner);
        }
        throw error("unexpected '" + t.text() + "'", t);
      default:
        throw error("the answer ends too early", t);
    }
  }

  private MathExpr command(Token t) throws MathParseException {
    String name = t.text();
    switch (name) {
      case "frac", "dfrac", "tfrac", "cfrac":
        MathExpr numerator = group();
        return new Binary(Op.DIV, numerator, group());
      case "binom", "dbinom", "tbinom":
        return binomial(group(), group());
      case "sqrt":
        if (peek().isSymbol('[')) {
          pos++;
          MathExpr index = expr();
          expect(']');
          return new Binary(Op.POW, group(), new Binary(Op.DIV, Num.of(1), index));
        }
        return new Binary(Op.POW, group(), new Binary(Op.DIV, Num.of(1), Num.of(2)));
      case "pi":
        return new Const(Constant.PI);
      case "infty", "inf", "oo":
        return new Const(Constant.INFINITY);
      case "{":
        return set();
      case "emptyset", "varnothing":
        return new SetOf(List.of(), true);
      case "lfloor":
        return closedBy(Fn.FLOOR, "rfloor");
      case "lceil":
        return closedBy(Fn.CEIL, "rceil");
      case "matrix":
        return matrix();
      default:
        Fn fn = FUNCTIONS.get(name);
        if (fn == null) {
          throw error("unknown command \\" + name, t);
        }
        return function(name, fn);
    }
  }

  /** {@code \sin^2 x} is (sin x)^2, {@code \sin^{-1} x} is arcsin x, {@code \log_2 8} is 3. */
  private MathExpr function(String name, Fn fn) throws MathParseException {
    MathExpr base = null;
    if (name.equals("log") && peek().isSymbol('_')) {
      pos++;
      base = peek().isSymbol('{') ? group() : primary();
    }
    MathExpr exponent = null;
    if (peek().isSymbol('^')) {
      pos++;
      exponent = peek().isSymbol('{') ? group() : exponentAtom();
      if (exponent instanceof Neg n && n.operand().equals(Num.of(1)) && INVERSES.containsKey(fn)) {
        fn = INVERSES.get(fn);
        exponent = null;
      }
    }
    MathExpr argument =
        peek().isSymbol('(') || peek().isSymbol('{') ? postfixOps(primary()) : bareArgument();
    MathExpr value = new Call(fn, argument);
    if (base != null) {
      value = new Binary(Op.DIV, value, new Call(Fn.LN, base));
    }
    return exponent == null ? value : new Binary(Op.POW, value, exponent);
  }

  /**
   * An argument without parentheses runs over implicit factors up to the next operator or function,
   * as latex2sympy reads it: {@code \sin 2x} is sin(2x), {@code \sin x \cos x} is sin(x)·cos(x).
   */
  private MathExpr bareArgument() throws MathParseException {
    MathExpr argument = power();
    while (startsImplicitFactor(peek())
        && !(peek().kind() == Kind.COMMAND && FUNCTIONS.containsKey(peek().text()))) {
      argument = new Binary(Op.MUL, argument, power());
    }
    return argument;
  }

  private MathExpr binomial(MathExpr n, MathExpr k) {
    MathExpr nFactorial = new Call(Fn.FACTORIAL, n);
    MathExpr kFactorial = new Call(Fn.FACTORIAL, k);
    MathExpr rest = new Call(Fn.FACTORIAL, new Binary(Op.SUB, n, k));
    return new Binary(Op.DIV, nFactorial, new Binary(Op.MUL, kFactorial, rest));
  }

  private MathExpr closedBy(Fn fn, String closer) throws MathParseException {
    MathExpr inner = expr();
    Token close = next();
    if (!close.is(Kind.COMMAND, closer)) {
      throw error("expected '\\" + closer + "'", close);
    }
    return new Call(fn, inner);
  }

  /** {@code \matrix{a & b \rowsep c & d}}, which {@link AnswerNormalizer} makes of environments. */
  private MathExpr matrix() throws MathParseException {
    expect('{');
    List<List<MathExpr>> rows = new ArrayList<>();
    List<MathExpr> row = new ArrayList<>();
    while (true) {
      row.add(relation());
      Token t = next();
      if (t.isSymbol('&')) {
        continue;
      }
      if (t.is(Kind.COMMAND, "rowsep") || t.isSymbol('}')) {
        rows.add(List.copyOf(row));
        row = new ArrayList<>();
        while (t.is(Kind.COMMAND, "rowsep") && peek().is(Kind.COMMAND, "rowsep")) {
          pos++;
        }
        if (t.is(Kind.COMMAND, "rowsep") && peek().isSymbol('}')) {
          pos++;
          break;
        }
        if (t.isSymbol('}')) {
          break;
        }
        continue;
      }
      throw error("expected '&', a row break or the end of the matrix", t);
    }
    return new Matrix(List.copyOf(rows));
  }

  /** {@code 204_5}, {@code 1011_{2}}: digits in a base from 2 to 36. */
  private MathExpr baseNumber(Token digits) throws MathParseException {
    pos++; // '_'
    boolean braced = peek().isSymbol('{');
    if (braced) {
      pos++;
    }
    Token base = next();
    if (base.kind() != Kind.NUMBER || braced && !next().isSymbol('}')) {
      throw error("expected a base after '_'", base);
    }
    int radix;
    try {
      radix = Integer.parseInt(base.text());
    } catch (NumberFormatException e) {
      throw error("the base " + base.text() + " is not a whole number", base);
    }
    if (radix < 2 || radix > 36) {
      throw error("the base " + radix + " is outside 2..36", base);
    }
    for (char c : digits.text().toCharArray()) {
      if (Character.digit(c, radix) < 0) {
        throw error("the digit " + c + " is not in base " + radix, digits);
      }
    }
    return new BaseNumber(digits.text().replaceFirst("^0+(?=.)", ""), radix);
  }

  /**
   * Whether {@code f(x) =} follows: a function being defined, whose head {@code f(x)} stands on the
   * left like a variable (so {@code f(x) = 2x} answers {@code 2x}).
   */
  private boolean definesFunction() {
    int i = pos;
    if (!tokens.get(i).isSymbol('(')) {
      return false;
    }
    i++;
    while (tokens.get(i).kind() == Kind.LETTER || tokens.get(i).isSymbol(',')) {
      i++;
    }
    return i > pos + 1
        && i + 1 < tokens.size()
        && tokens.get(i).isSymbol(')')
        && tokens.get(i + 1).isSymbol('=');
  }

  private MathExpr functionHead(String name) {
    StringBuilder head = new StringBuilder(name);
    Token t;
    do {
      t = next();
      head.append(t.text());
    } while (!t.isSymbol(')'));
    return new Var(head.toString());
  }

  /** {@code x_1}, {@code a_{n}}: one variable whose name includes the subscript. */
  private MathExpr subscripted(String letter) throws MathParseException {
    pos++; // '_'
    StringBuilder name = new StringBuilder(letter).append('_');
    if (peek().isSymbol('{')) {
      pos++;
      while (!peek().isSymbol('}')) {
        if (peek().kind() == Kind.END) {
          throw error("expected '}' to close the subscript");
        }
        name.append(next().text());
      }
      pos++;
    } else if (peek().kind() == Kind.NUMBER || peek().kind() == Kind.LETTER) {
      name.append(next().text());
    } else {
      throw error("expected a subscript after '_'");
    }
    return new Var(name.toString());
  }

  /** A braced group, or a single atom as in {@code \frac12} and {@code \sqrt2}. */
  private MathExpr group() throws MathParseException {
    if (peek().isSymbol('{')) {
      pos++;
      MathExpr inner = relation();
      expect('}');
      return inner;
    }
    if (peek().kind() == Kind.NUMBER && peek().text().length() > 1) {
      // \frac12: each argument is one digit
      Token t = next();
      tokens.add(pos, new Token(Kind.NUMBER, t.text().substring(1), t.position() + 1));
      return Num.of(t.text().charAt(0) - '0');
    }
    return primary();
  }

  /** After '(' or '[': a parenthesised value, or a tuple / interval closed by ')' or ']'. */
  private MathExpr bracketed(char open) throws MathParseException {
    List<MathExpr> items = new ArrayList<>();
    items.add(relation());
    while (peek().isSymbol(',')) {
      pos++;
      items.add(relation());
    }
    Token close = next();
    if (!close.isSymbol(')') && !close.isSymbol(']')) {
      throw error("expected ')' or ']' to close '" + open + "'", close);
    }
    if (items.size() == 1
        && (open == '(' && close.isSymbol(')') || items.get(0) instanceof Matrix)) {
      return items.get(0); // \left[ \begin{array} ... \end{array} \right] is the matrix itself
    }
    return new Bracketed(open, close.text().charAt(0), List.copyOf(items));
  }

  /** After {@code \{}: items up to {@code \}}. */
  private MathExpr set() throws MathParseException {
    List<MathExpr> items = new ArrayList<>();
    if (!peek().is(Kind.COMMAND, "}")) {
      items.add(relation());
      while (peek().isSymbol(',') || peek().isSymbol(';')) {
        pos++;
        items.add(relation());
      }
    }
    Token close = next();
    if (!close.is(Kind.COMMAND, "}")) {
      throw error("expected '\\}' to close the set", close);
    }
    return new SetOf(List.copyOf(items), true);
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind() != Kind.END) {
      pos++;
    }
    return t;
  }

  private void expect(char symbol) throws MathParseException {
    Token t = next();
    if (!t.isSymbol(symbol)) {
      throw error("expected '" + symbol + "'", t);
    }
  }

  private MathParseException error(String what) {
    return error(what, peek());
  }

  private MathParseException error(String what, Token at) {
    return new MathParseException(what + " at " + at.position() + " in '" + source + "'");
  }
}
