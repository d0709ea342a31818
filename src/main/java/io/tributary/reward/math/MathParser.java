package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.Binary;
import io.tributary.reward.math.MathExpr.Bracketed;
import io.tributary.reward.math.MathExpr.Call;
import io.tributary.reward.math.MathExpr.Fn;
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
 * relation = union [ ('=' | '<' | '\le' | ...) union ]
 * union    = expr { '\cup' expr }
 * expr     = term { ('+' | '-') term }
 * term     = unary { ('*' | '\cdot' | '\times' | '/' | '\div') unary | implicit-factor }
 * unary    = ('-' | '+') unary | power
 * power    = postfix [ '^' (group | unary) ]             right-associative
 * postfix  = primary { '!' | '%' }
 * primary  = number | letter | '\pi' | '\infty' | '\frac' group group | '\sqrt' ['[' expr ']'] group
 *          | function argument | '(' list ')' | '[' list ')' | '{' expr '}' | '\{' list '\}' | '|' expr '|'
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
      Map.of(
          "le", Rel.LE, "leq", Rel.LE, "ge", Rel.GE, "geq", Rel.GE, "ne", Rel.NE, "neq", Rel.NE,
          "lt", Rel.LT, "gt", Rel.GT);

  private static final Map<String, Fn> FUNCTIONS =
      Map.of(
          "sin", Fn.SIN, "cos", Fn.COS, "tan", Fn.TAN, "ln", Fn.LN, "log", Fn.LOG10, "exp", Fn.EXP);

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
    return items.size() == 1 ? items.get(0) : new SetOf(List.copyOf(items));
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
    Rel rel = relationAhead();
    if (rel == null) {
      return left;
    }
    return new Relation(rel, left, union());
  }

  /** Consumes a relation operator and returns it, or returns null and consumes nothing. */
  private Rel relationAhead() {
    Token t = peek();
    if (t.isSymbol('=')) {
      pos++;
      return Rel.EQ;
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
      return new SetOf(List.of(new Binary(Op.ADD, left, right), new Binary(Op.SUB, left, right)));
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
      case "frac", "dfrac", "tfrac", "cfrac", "sqrt", "pi", "infty", "inf", "oo" -> true;
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
      return new SetOf(List.of(operand, new Neg(operand)));
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

  /** {@code 2^-1}, {@code 2^3}, {@code x^2}: a sign and one atom, right-associative. */
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
      } else if (peek().isSymbol('!')) {
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
        return new Num(Double.parseDouble(t.text()));
      case LETTER:
        // e followed by ^ is Euler's number (e^{i\pi}); elsewhere a letter is a variable
        if (t.text().equals("e") && peek().isSymbol('^')) {
          return new Num(Math.E);
        }
        return peek().isSymbol('_') ? subscripted(t.text()) : new Var(t.text());
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
      case "sqrt":
        if (peek().isSymbol('[')) {
          pos++;
          MathExpr index = expr();
          expect(']');
          return new Binary(Op.POW, group(), new Binary(Op.DIV, new Num(1), index));
        }
        return new Call(Fn.SQRT, group());
      case "pi":
        return new Num(Math.PI);
      case "infty", "inf", "oo":
        return new Num(Double.POSITIVE_INFINITY);
      case "{":
        return set();
      case "emptyset", "varnothing":
        return new SetOf(List.of());
      default:
        Fn fn = FUNCTIONS.get(name);
        if (fn == null) {
          throw error("unknown command \\" + name, t);
        }
        return new Call(fn, peek().isSymbol('(') || peek().isSymbol('{') ? primary() : power());
    }
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
    if (items.size() == 1 && open == '(' && close.isSymbol(')')) {
      return items.get(0);
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
    return new SetOf(List.copyOf(items));
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
