package org.joblib4j.internal;

/**
 * joblib's {@code pre_dispatch}: {@code "all"}, an integer, or an arithmetic expression over
 * {@code n_jobs} such as {@code "2*n_jobs"}, evaluated as joblib's {@code eval_expr} does: numbers,
 * {@code + - * / // % **}, unary minus and parentheses; at most 30 characters; no value beyond
 * 10<sup>6</sup> in magnitude.
 */
public final class PreDispatch {
  /** joblib's default. */
  public static final String DEFAULT = "2*n_jobs";

  private static final int MAX_LENGTH = 30;
  private static final double MAX_VALUE = 1e6;

  private PreDispatch() {}

  /** Throws {@link IllegalArgumentException} unless {@code expr} is a valid pre-dispatch. */
  public static void validate(String expr) {
    tasks(expr, 1);
  }

  /**
   * Returns how many tasks to read ahead for {@code expr} with {@code nJobs} workers; {@link
   * Integer#MAX_VALUE} for {@code "all"}.
   */
  public static int tasks(String expr, int nJobs) {
    String trimmed = expr.trim();
    if (trimmed.equals("all")) {
      return Integer.MAX_VALUE;
    }
    String substituted = trimmed.replace("n_jobs", Integer.toString(nJobs));
    double value = eval(substituted);
    long n = (long) value;
    Checks.requireArgument(
        n >= 1,
        "preDispatch '%s' gives %s: it must be \"all\" or at least 1 task, such as \"2*n_jobs\"",
        expr,
        n);
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  /** Evaluates an arithmetic expression with joblib's rules. */
  static double eval(String expr) {
    Checks.requireArgument(
        expr.length() <= MAX_LENGTH,
        "Expression '%s'... is too long. Max length is %d, got %d.",
        expr.substring(0, Math.min(expr.length(), MAX_LENGTH)),
        MAX_LENGTH,
        expr.length());
    Parser p = new Parser(expr);
    double v = p.expr();
    p.skipSpaces();
    if (p.pos != expr.length()) {
      throw p.invalid();
    }
    return v;
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    IllegalArgumentException invalid() {
      return new IllegalArgumentException(
          Checks.format(
              "'%s' is not a valid or supported arithmetic expression: use \"all\", an integer, or"
                  + " an expression over n_jobs such as \"2*n_jobs\"",
              s));
    }

    void skipSpaces() {
      while (pos < s.length() && s.charAt(pos) == ' ') {
        pos++;
      }
    }

    boolean eat(String token) {
      skipSpaces();
      if (s.startsWith(token, pos)) {
        pos += token.length();
        return true;
      }
      return false;
    }

    double expr() {
      double v = term();
      while (true) {
        if (eat("+")) {
          v = check(v + term());
        } else if (eat("-")) {
          v = check(v - term());
        } else {
          return v;
        }
      }
    }

    double term() {
      double v = unary();
      while (true) {
        skipSpaces();
        if (s.startsWith("**", pos)) {
          return v;
        } else if (eat("//")) {
          double d = nonZero(unary());
          v = check(Math.floor(v / d));
        } else if (eat("*")) {
          v = check(v * unary());
        } else if (eat("/")) {
          v = check(v / nonZero(unary()));
        } else if (eat("%")) {
          double d = nonZero(unary());
          v = check(v - d * Math.floor(v / d));
        } else {
          return v;
        }
      }
    }

    double unary() {
      if (eat("-")) {
        return check(-unary());
      }
      return power();
    }

    double power() {
      double base = atom();
      if (eat("**")) {
        return check(Math.pow(base, unary()));
      }
      return base;
    }

    double atom() {
      if (eat("(")) {
        double v = expr();
        if (!eat(")")) {
          throw invalid();
        }
        return v;
      }
      skipSpaces();
      int start = pos;
      while (pos < s.length()
          && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.'
              || ((s.charAt(pos) == 'e' || s.charAt(pos) == 'E') && pos > start)
              || ((s.charAt(pos) == '+' || s.charAt(pos) == '-')
                  && pos > start
                  && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E')))) {
        pos++;
      }
      if (start == pos) {
        throw invalid();
      }
      String literal = s.substring(start, pos);
      double v;
      try {
        v = Double.parseDouble(literal);
      } catch (NumberFormatException e) {
        throw invalid();
      }
      Checks.requireArgument(
          Math.abs(v) <= MAX_VALUE, "Numeric literal %s is too large, max is 1000000.", literal);
      return v;
    }

    double nonZero(double d) {
      Checks.requireArgument(d != 0, "Division by zero in '%s'", s);
      return d;
    }

    double check(double v) {
      Checks.requireArgument(
          !Double.isNaN(v) && Math.abs(v) <= MAX_VALUE,
          "Numeric value %s in '%s' is too large, max is 1000000.",
          v,
          s);
      return v;
    }
  }
}
