package io.twinlog.helm;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Runs gitops/argocd/health.lua on an object the way Argo CD does: {@code obj} in, {@code hs} out.
 */
final class ArgoCdHealth {
  static final Path SCRIPT = Path.of("..", "gitops", "argocd", "health.lua");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Argo CD's verdict on one resource. */
  record Verdict(String status, String message) {}

  private ArgoCdHealth() {}

  static Verdict of(HasMetadata resource) {
    @SuppressWarnings("unchecked")
    Map<String, Object> json = SERIALIZATION.convertValue(resource, Map.class);
    return of(json);
  }

  static Verdict of(Map<String, Object> json) {
    Globals globals = argoCdSandbox();
    globals.set("obj", toLua(json));
    LuaValue hs = globals.load(script(), "health.lua").call();
    return new Verdict(hs.get("status").tojstring(), hs.get("message").optjstring(null));
  }

  /** Only the libraries Argo CD opens for health scripts: base, table, string, math. */
  private static Globals argoCdSandbox() {
    Globals globals = new Globals();
    globals.load(new BaseLib());
    globals.load(new PackageLib());
    globals.load(new TableLib());
    globals.load(new StringLib());
    globals.load(new JseMathLib());
    LoadState.install(globals);
    LuaC.install(globals);
    return globals;
  }

  private static String script() {
    try {
      return Files.readString(SCRIPT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JSON as Argo CD hands it to Lua: objects and arrays become tables, arrays 1-indexed. */
  static LuaValue toLua(Object value) {
    if (value == null) {
      return LuaValue.NIL;
    }
    if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      map.forEach((k, v) -> table.set(String.valueOf(k), toLua(v)));
      return table;
    }
    if (value instanceof List<?> list) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < list.size(); i++) {
        table.set(i + 1, toLua(list.get(i)));
      }
      return table;
    }
    if (value instanceof Boolean b) {
      return LuaValue.valueOf(b);
    }
    if (value instanceof Number n) {
      return LuaValue.valueOf(n.doubleValue());
    }
    return LuaValue.valueOf(value.toString());
  }
}
