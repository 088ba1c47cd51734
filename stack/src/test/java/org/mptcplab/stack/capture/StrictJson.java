package org.mptcplab.stack.capture;

import java.util.HashSet;
import java.util.Set;

/**
 * A strict RFC 8259 validator for tests: one value, nothing after it, no duplicate member names,
 * no unescaped control characters, no lone surrogates, numbers exactly as the grammar of section
 * 6 says. Deliberately independent of the code that writes the JSON.
 */
final class StrictJson {
    private final String s;
    private int i;

    private StrictJson(String s) {
        this.s = s;
    }

    /** Throws IllegalArgumentException, saying where, unless {@code text} is one JSON value. */
    static void check(String text) {
        StrictJson j = new StrictJson(text);
        j.ws();
        j.value(0);
        j.ws();
        if (j.i != text.length()) {
            throw j.error("text after the value");
        }
    }

    private void value(int depth) {
        if (depth > 200) {
            throw error("nested too deeply");
        }
        char c = peek();
        switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> word("true");
            case 'f' -> word("false");
            case 'n' -> word("null");
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    number();
                } else {
                    throw error("value expected");
                }
            }
        }
    }

    private void object(int depth) {
        i++;
        ws();
        if (peek() == '}') {
            i++;
            return;
        }
        Set<String> names = new HashSet<>();
        while (true) {
            ws();
            if (peek() != '"') {
                throw error("member name expected");
            }
            int start = i;
            string();
            if (!names.add(s.substring(start, i))) {
                throw error("duplicate member name " + s.substring(start, i));
            }
            ws();
            expect(':');
            ws();
            value(depth + 1);
            ws();
            char c = next();
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw error("',' or '}' expected");
            }
        }
    }

    private void array(int depth) {
        i++;
        ws();
        if (peek() == ']') {
            i++;
            return;
        }
        while (true) {
            ws();
            value(depth + 1);
            ws();
            char c = next();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw error("',' or ']' expected");
            }
        }
    }

    private void string() {
        expect('"');
        while (true) {
            char c = next();
            if (c == '"') {
                return;
            }
            if (c < 0x20) {
                throw error("unescaped control character");
            }
            if (c == '\\') {
                char e = next();
                if (e == 'u') {
                    for (int k = 0; k < 4; k++) {
                        if (Character.digit(next(), 16) < 0) {
                            throw error("bad \\u escape");
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw error("bad escape \\" + e);
                }
            } else if (Character.isHighSurrogate(c)) {
                if (i >= s.length() || !Character.isLowSurrogate(s.charAt(i))) {
                    throw error("lone high surrogate");
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw error("lone low surrogate");
            }
        }
    }

    private void number() {
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else {
            digits();
        }
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            digits();
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            digits();
        }
    }

    private void digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == start) {
            throw error("digit expected");
        }
    }

    private void word(String w) {
        if (!s.startsWith(w, i)) {
            throw error(w + " expected");
        }
        i += w.length();
    }

    private void ws() {
        while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            i--;
            throw error("'" + c + "' expected");
        }
    }

    private IllegalArgumentException error(String what) {
        int from = Math.max(0, i - 30);
        int to = Math.min(s.length(), i + 30);
        return new IllegalArgumentException("invalid JSON at " + i + ": " + what + " near «" + s.substring(from, to) + "»");
    }
}
