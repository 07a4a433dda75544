package dev.identitylog.jdkhttp;

import java.net.http.HttpClient;

/** The same suite over HTTP/2 (Jetty negotiates h2 by ALPN; every answer is checked to be h2). */
class JdkHttpClientHttp2Test extends JdkHttpClientTest {
  @Override
  HttpClient.Version version() {
    return HttpClient.Version.HTTP_2;
  }
}
