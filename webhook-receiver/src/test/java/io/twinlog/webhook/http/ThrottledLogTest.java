package io.twinlog.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class ThrottledLogTest {
  @Test
  void oneLinePerIntervalSayingHowManyWereLeftOut() {
    List<String> lines = new ArrayList<>();
    Logger logger =
        (Logger)
            Proxy.newProxyInstance(
                Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("warn") && args.length == 1) {
                    lines.add((String) args[0]);
                  }
                  return method.getReturnType() == boolean.class ? true : null;
                });
    AtomicLong now = new AtomicLong(1_000);
    ThrottledLog log = new ThrottledLog(logger, 100, now::get);
    log.warn("a");
    log.warn("b");
    log.warn("c");
    now.addAndGet(100);
    log.warn("d");
    log.warn("e");
    assertThat(lines).containsExactly("a", "d (and 2 more since the last line)");
  }
}
