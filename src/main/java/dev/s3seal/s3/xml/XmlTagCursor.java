package dev.s3seal.s3.xml;

/**
 * Walks the tags of an XML text in document order and reports where each one sits, so a caller
 * can splice the original text instead of re-serializing it.
 *
 * <p>It is not a parser: it trusts that the text is well-formed and has no DTD, which the caller
 * proves by reading the same text with StAX in lockstep (one {@link #next()} per START_ELEMENT and
 * END_ELEMENT event). It exists because the JDK's StAX character offsets drift once the parser
 * refills its buffer. An empty-element tag ({@code <a/>}) is reported twice: as a start, then as
 * an end at the same position.
 */
public final class XmlTagCursor {

    private final String text;
    private int position;
    private boolean pendingEmptyEnd;

    private String qualifiedName;
    private int tagStart;
    private int tagEnd;
    private boolean endTag;
    private boolean emptyElement;

    public XmlTagCursor(String text) {
        this.text = text;
    }

    /** Moves to the next start or end tag. */
    public void next() {
        if (pendingEmptyEnd) {
            pendingEmptyEnd = false;
            endTag = true;
            return;
        }
        while (true) {
            int open = text.indexOf('<', position);
            if (open < 0) {
                throw new IllegalStateException("tag cursor ran past the last tag");
            }
            if (text.startsWith("<?", open)) {
                position = skipPast("?>", open);
            } else if (text.startsWith("<!--", open)) {
                position = skipPast("-->", open);
            } else if (text.startsWith("<![CDATA[", open)) {
                position = skipPast("]]>", open);
            } else if (text.startsWith("<!", open)) {
                throw new IllegalStateException("tag cursor met a declaration the reader should have refused");
            } else {
                readTag(open);
                return;
            }
        }
    }

    /** The tag's name as written, with its prefix if any. */
    public String qualifiedName() {
        return qualifiedName;
    }

    public boolean isEndTag() {
        return endTag;
    }

    /** True for both reports of an empty-element tag. */
    public boolean isEmptyElement() {
        return emptyElement;
    }

    /** Index of the tag's {@code <}. */
    public int tagStart() {
        return tagStart;
    }

    /** Index just after the tag's {@code >}. */
    public int tagEnd() {
        return tagEnd;
    }

    private void readTag(int open) {
        endTag = text.charAt(open + 1) == '/';
        int nameStart = endTag ? open + 2 : open + 1;
        int nameEnd = nameStart;
        while (nameEnd < text.length() && !isNameTerminator(text.charAt(nameEnd))) {
            nameEnd++;
        }
        qualifiedName = text.substring(nameStart, nameEnd);
        int close = endTag ? text.indexOf('>', nameEnd) : closeOfStartTag(nameEnd);
        if (close < 0) {
            throw new IllegalStateException("tag cursor found an unterminated tag");
        }
        tagStart = open;
        tagEnd = close + 1;
        emptyElement = !endTag && text.charAt(close - 1) == '/';
        pendingEmptyEnd = emptyElement;
        position = tagEnd;
    }

    /** The {@code >} closing a start tag, skipping quoted attribute values (they may hold '>'). */
    private int closeOfStartTag(int from) {
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                return i;
            }
        }
        return -1;
    }

    private int skipPast(String terminator, int from) {
        int at = text.indexOf(terminator, from);
        if (at < 0) {
            throw new IllegalStateException("tag cursor found an unterminated construct");
        }
        return at + terminator.length();
    }

    private static boolean isNameTerminator(char c) {
        return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
