package dev.s3seal.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client would send: truncated bodies,
 * tampered aws-chunked framing, oversized header sections; and a keep-alive client that reads each
 * response by its framing ({@link KeepAlive}), to see whether one response runs into the next.
 */
public final class RawHttp {

    /** A response: status, lower-case headers, body as text. */
    public record Response(int status, Map<String, String> headers, String body) {
        /** The {@code <Code>} of an S3 error document, or null. */
        public String errorCode() {
            int start = body.indexOf("<Code>");
            int end = body.indexOf("</Code>");
            return start < 0 || end < 0 ? null : body.substring(start + 6, end);
        }
    }

    private RawHttp() {}

    /** One response read off a kept-alive connection: its body exactly as framed, or how the framing failed. */
    public record Framed(int status, Map<String, String> headers, byte[] body, boolean closedEarly) {
        /** The connection ended before a status line. */
        public boolean closed() {
            return status < 0;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String errorCode() {
            return new Response(status, headers, bodyText()).errorCode();
        }
    }

    /**
     * A client that keeps one connection open and reads each response by its own framing (Content-Length,
     * chunked, or none for HEAD), byte by byte, so bytes a server writes past a response's declared
     * length are read as the start of the next response, as a real keep-alive client would.
     */
    public static final class KeepAlive implements java.io.Closeable {

        private final Socket socket;
        private final InputStream in;

        public KeepAlive(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
        }

        /** Sends one request (no Connection header: HTTP/1.1 keeps the connection) and reads its response. */
        public Framed exchange(String method, String pathAndQuery, List<Map.Entry<String, String>> headers, byte[] body)
                throws IOException {
            StringBuilder head =
                    new StringBuilder(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
            for (Map.Entry<String, String> header : headers) {
                head.append(header.getKey())
                        .append(": ")
                        .append(header.getValue())
                        .append("\r\n");
            }
            head.append("\r\n");
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.flush();
            } catch (java.net.SocketException closed) {
                return new Framed(-1, Map.of(), new byte[0], true);
            }
            return readFramed("HEAD".equals(method));
        }

        private Framed readFramed(boolean head) throws IOException {
            String statusLine = line();
            if (statusLine == null || statusLine.isEmpty()) {
                return new Framed(-1, Map.of(), new byte[0], true);
            }
            if (!statusLine.startsWith("HTTP/1.1 ")) {
                throw new IOException("not a status line (the previous response ran past its length?): "
                        + statusLine.substring(0, Math.min(60, statusLine.length())));
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> responseHeaders = new LinkedHashMap<>();
            for (String line = line(); line != null && !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                responseHeaders.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
            if (head || status == 204 || status == 304) {
                return new Framed(status, responseHeaders, new byte[0], false);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean complete;
            if ("chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding"))) {
                complete = readChunked(body);
            } else {
                long length = Long.parseLong(responseHeaders.getOrDefault("content-length", "0"));
                complete = readExactly(body, length);
            }
            return new Framed(status, responseHeaders, body.toByteArray(), !complete);
        }

        private boolean readChunked(ByteArrayOutputStream body) throws IOException {
            while (true) {
                String size = line();
                if (size == null) {
                    return false;
                }
                long n = Long.parseLong(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    line();
                    return true;
                }
                if (!readExactly(body, n) || line() == null) {
                    return false;
                }
            }
        }

        private boolean readExactly(ByteArrayOutputStream body, long length) throws IOException {
            byte[] buffer = new byte[8192];
            long left = length;
            try {
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        return false;
                    }
                    body.write(buffer, 0, n);
                    left -= n;
                }
                return true;
            } catch (java.net.SocketException reset) {
                return false;
            }
        }

        /** A CRLF-terminated line, or null at the end of the stream. */
        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    if (b == '\n') {
                        String text = line.toString(StandardCharsets.ISO_8859_1);
                        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                    }
                    line.write(b);
                }
            } catch (java.net.SocketException reset) {
                // the server aborted the connection
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Sends the request; {@code bytesToSend} of the body are written (fewer than its length
     * simulates a client that gives up), then the output is shut down and the response read.
     */
    public static Response send(
            int port,
            String method,
            String pathAndQuery,
            List<Map.Entry<String, String>> headers,
            byte[] body,
            int bytesToSend)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head =
                    new StringBuilder(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
            for (Map.Entry<String, String> header : headers) {
                head.append(header.getKey())
                        .append(": ")
                        .append(header.getValue())
                        .append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            try {
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(body, 0, bytesToSend);
                out.flush();
                if (bytesToSend < body.length) {
                    socket.shutdownOutput();
                }
            } catch (java.net.SocketException answeredEarly) {
                // the server may answer (and stop reading) before the whole body is sent
            }
            return read(socket.getInputStream());
        }
    }

    /**
     * Writes {@code request} exactly as given (no header is added), half-closes the socket if asked,
     * and reads {@code count} responses, each framed by its Content-Length, its chunking, or the
     * end of the connection. A server that does not answer within {@code timeout} fails the call
     * with a {@link java.net.SocketTimeoutException}; a connection closed early yields fewer responses.
     * {@code headRequest} says the responses carry no body whatever their Content-Length says.
     */
    public static List<Response> exchange(
            int port, byte[] request, int count, boolean halfClose, boolean headRequest, java.time.Duration timeout)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (java.net.SocketException answeredEarly) {
                // the server may answer and close before it read everything
            }
            return readResponses(socket.getInputStream(), count, headRequest);
        }
    }

    private static List<Response> readResponses(InputStream in, int count, boolean headRequest) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Response> responses = new java.util.ArrayList<>();
        int start = 0;
        byte[] buffer = new byte[8192];
        while (responses.size() < count) {
            byte[] bytes = all.toByteArray();
            int end = completeResponseEnd(bytes, start, headRequest);
            if (end > 0) {
                Response response = parse(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1));
                if (response.status() / 100 != 1) { // 100 Continue precedes the answer
                    responses.add(response);
                }
                start = end;
                continue;
            }
            int n;
            try {
                n = in.read(buffer);
            } catch (java.net.SocketException reset) {
                n = -1;
            }
            if (n < 0) {
                if (start < bytes.length) {
                    responses.add(parse(new String(bytes, start, bytes.length - start, StandardCharsets.ISO_8859_1)));
                }
                return responses;
            }
            all.write(buffer, 0, n);
        }
        return responses;
    }

    /** The end of the first complete response at {@code start}, or -1 while more bytes are needed. */
    private static int completeResponseEnd(byte[] bytes, int start, boolean headRequest) {
        String text = new String(bytes, start, bytes.length - start, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return -1;
        }
        String head = text.substring(0, headerEnd).toLowerCase(Locale.ROOT);
        int bodyStart = headerEnd + 4;
        String status = head.length() > 12 ? head.substring(9, 12) : "";
        if (headRequest
                || status.startsWith("1")
                || status.equals("204")
                || status.equals("304")
                || head.contains("\r\ncontent-length: 0")) {
            return start + bodyStart;
        }
        java.util.regex.Matcher length =
                java.util.regex.Pattern.compile("\r\ncontent-length: *(\\d+)").matcher(head);
        if (length.find()) {
            int end = bodyStart + Integer.parseInt(length.group(1));
            return text.length() >= end ? start + end : -1;
        }
        if (head.contains("\r\ntransfer-encoding: chunked")) {
            int last = text.indexOf("\r\n0\r\n\r\n", bodyStart - 2);
            return last < 0 ? -1 : start + last + 7;
        }
        return -1; // framed by the end of the connection
    }

    /**
     * Reads one response by its Content-Length, without waiting for the server to close (it may
     * keep the connection open while the client's request body is unfinished).
     */
    public static Response readOne(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)")
                .matcher(text);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(head.toByteArray());
        all.write(body);
        return read(new java.io.ByteArrayInputStream(all.toByteArray()));
    }

    /** Reads one response until the server closes the connection. */
    public static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // the server may close right after answering; what arrived is enough
        }
        return parse(all.toString(StandardCharsets.ISO_8859_1));
    }

    private static Response parse(String text) {
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return new Response(-1, Map.of(), text);
        }
        String[] lines = text.substring(0, headerEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            responseHeaders.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(headerEnd + 4);
        if ("chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(
                status,
                responseHeaders,
                new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < body.length()) {
            int lineEnd = body.indexOf("\r\n", pos);
            if (lineEnd < 0) {
                break;
            }
            int size =
                    Integer.parseInt(body.substring(pos, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, Math.min(body.length(), lineEnd + 2 + size));
            pos = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
