package dev.identitylog.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Minimal servlet request and response for tests that drive the filter on the calling thread
 * (MDC, failures of the container's objects). Methods named in {@link #failing} throw.
 */
final class Fakes {
  final Map<String, String> requestHeaders = new HashMap<>();
  final Map<String, Object> attributes = new HashMap<>();
  final Map<String, String> responseHeaders = new HashMap<>();
  final Set<String> failing = new HashSet<>();
  /** What the failing request methods throw instead of an IllegalStateException, when set. */
  Error fatal;
  int status = 200;
  boolean committed;
  /** Calls of {@code getHeaders}, which builds an enumeration on a real container. */
  int headerEnumerations;
  /** Names passed to the response's {@code getHeader}. */
  final java.util.List<String> responseHeaderReads = new java.util.ArrayList<>();
  /** Calls of {@code getHeaderNames}, which builds sets on Jetty 12. */
  int headerNameListings;
  /** Names passed to {@code getAttribute}, in order; and the number of {@code setAttribute} calls. */
  final java.util.List<String> attributeReads = new java.util.ArrayList<>();
  int attributeWrites;
  /** What {@code isSecure} answers. */
  boolean secure;

  HttpServletRequest request() {
    InvocationHandler h = (proxy, method, args) -> {
      String name = method.getName();
      if (failing.contains(name)) {
        if (fatal != null) {
          throw fatal;
        }
        throw new IllegalStateException("request." + name + " failed");
      }
      switch (name) {
        case "getHeader":
          return requestHeaders.get(((String) args[0]).toLowerCase(Locale.ROOT));
        case "getHeaders":
          headerEnumerations++;
          String value = requestHeaders.get(((String) args[0]).toLowerCase(Locale.ROOT));
          return value == null
              ? java.util.Collections.emptyEnumeration()
              : java.util.Collections.enumeration(java.util.List.of(value));
        case "getHeaderNames":
          headerNameListings++;
          return java.util.Collections.enumeration(requestHeaders.keySet());
        case "getMethod":
          return "GET";
        case "getRequestURI":
          return "/orders/7";
        case "getContextPath":
        case "getServletPath":
          return "";
        case "getRemoteAddr":
          return "192.0.2.10";
        case "getServerName":
          return "orders.test";
        case "getServerPort":
          return 8443;
        case "getAttribute":
          attributeReads.add((String) args[0]);
          return attributes.get((String) args[0]);
        case "isSecure":
          return secure;
        case "setAttribute":
          attributeWrites++;
          attributes.put((String) args[0], args[1]);
          return null;
        case "removeAttribute":
          attributes.remove((String) args[0]);
          return null;
        case "getDispatcherType":
          return DispatcherType.REQUEST;
        case "isAsyncStarted":
          return false;
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        case "toString":
          return "FakeRequest";
        default:
          return defaultValue(method.getReturnType());
      }
    };
    return (HttpServletRequest) Proxy.newProxyInstance(
        Fakes.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class}, h);
  }

  HttpServletResponse response() {
    InvocationHandler h = (proxy, method, args) -> {
      String name = method.getName();
      if (failing.contains(name)) {
        throw new IllegalStateException("response." + name + " failed");
      }
      switch (name) {
        case "setHeader":
          responseHeaders.put(((String) args[0]).toLowerCase(Locale.ROOT), (String) args[1]);
          return null;
        case "getHeader":
          responseHeaderReads.add((String) args[0]);
          return responseHeaders.get(((String) args[0]).toLowerCase(Locale.ROOT));
        case "setStatus":
          status = (Integer) args[0];
          return null;
        case "getStatus":
          return status;
        case "isCommitted":
          return committed;
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        case "toString":
          return "FakeResponse";
        default:
          return defaultValue(method.getReturnType());
      }
    };
    return (HttpServletResponse) Proxy.newProxyInstance(
        Fakes.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class}, h);
  }

  private static Object defaultValue(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    return null;
  }
}
