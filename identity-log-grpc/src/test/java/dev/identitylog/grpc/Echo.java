package dev.identitylog.grpc;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The test service's methods, described by hand with a UTF-8 string marshaller: no protobuf, no
 * generated code, nothing between the test and the transport.
 */
final class Echo {
  static final String SERVICE = "identitylog.test.Echo";

  static final MethodDescriptor.Marshaller<String> UTF8 =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** One request, one answer; the request says what the service does (see {@link EchoService}). */
  static final MethodDescriptor<String, String> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);

  /** Many requests, one answer: the count, or PERMISSION_DENIED when a message said "deny". */
  static final MethodDescriptor<String, String> COLLECT =
      method("Collect", MethodDescriptor.MethodType.CLIENT_STREAMING);

  /** A handler whose startCall throws. */
  static final MethodDescriptor<String, String> EXPLODE =
      method("Explode", MethodDescriptor.MethodType.UNARY);

  private Echo() {}

  private static MethodDescriptor<String, String> method(
      String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(UTF8)
        .setResponseMarshaller(UTF8)
        .build();
  }
}
