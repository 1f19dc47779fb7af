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
 * tampered aws-chunked framing, oversized header sections.
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

    private RawHttp() {
    }

    /**
     * Sends the request; {@code bytesToSend} of the body are written (fewer than its length
     * simulates a client that gives up), then the output is shut down and the response read.
     */
    public static Response send(int port, String method, String pathAndQuery, List<Map.Entry<String, String>> headers,
            byte[] body, int bytesToSend) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
            for (Map.Entry<String, String> header : headers) {
                head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
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
    public static List<Response> exchange(int port, byte[] request, int count, boolean halfClose, boolean headRequest,
            java.time.Duration timeout) throws IOException {
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
        if (headRequest || status.startsWith("1") || status.equals("204") || status.equals("304")
                || head.contains("\r\ncontent-length: 0")) {
            return start + bodyStart;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("\r\ncontent-length: *(\\d+)").matcher(head);
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

    private static Response read(InputStream in) throws IOException {
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
            responseHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(headerEnd + 4);
        if ("chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, responseHeaders, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < body.length()) {
            int lineEnd = body.indexOf("\r\n", pos);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(pos, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, Math.min(body.length(), lineEnd + 2 + size));
            pos = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
