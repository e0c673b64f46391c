package org.sparselab.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/**
 * "Accuracy is ordered by the values of a key": mean(order[0]) ≥ mean(order[1]) ≥ … − tolerance, checked within each
 * context (settings equal apart from the key) that has runs for every value; all contexts must agree.
 */
@Doc("Accuracy is ordered by the values of `key`: mean(order[0]) ≥ mean(order[1]) ≥ … (each step may fall short by "
        + "`tolerance` points), within each setting that has runs for every value.")
public record OrderingClaim(
        @Doc("Claim kind.") String kind,
        @Doc("The claim as the report states it.") String text,
        @Doc("The key whose values are ordered (e.g. method.shuffle, or a short key).") String key,
        @Doc("Values from the expected best to the expected worst.") List<String> order,
        @Doc("Only these settings (key → value).") @Default("{}") Map<String, String> select,
        @Doc("Slack per step in percentage points.") @Default("0") double tolerance) implements ClaimConfig {

    public OrderingClaim {
        Check.notBlank("text", text);
        Check.notBlank("key", key);
        Check.nonNegative("tolerance", tolerance);
        if (order == null || order.size() < 2) throw ConfigException.expected("order", "at least two values", order);
        order = List.copyOf(order);
        select = select == null ? Map.of() : Map.copyOf(select);
    }

    @Override
    public Verdict check(RunGroups groups) {
        // Context: everything but the ordered key, so that e.g. each target is checked on its own.
        Map<String, Map<String, RunGroups.Group>> contexts = new LinkedHashMap<>();
        for (RunGroups.Group g : groups.select(select)) {
            String value = groups.valueOf(g, key);
            String position = null;
            for (String o : order) if (RunGroups.sameValue(value, o)) position = o;
            if (position == null) continue;
            contexts.computeIfAbsent(groups.contextOf(g, key), k -> new LinkedHashMap<>()).put(position, g);
        }
        List<String> details = new ArrayList<>();
        boolean pass = true;
        for (Map<String, RunGroups.Group> ctx : contexts.values()) {
            if (ctx.size() < order.size()) continue;
            List<String> chain = new ArrayList<>();
            double prev = Double.NaN;
            for (String o : order) {
                Stats s = ctx.get(o).accuracyPct();
                if (!Double.isNaN(prev) && s.mean() > prev + tolerance) pass = false;
                prev = s.mean();
                chain.add(o + " " + Format.pct(s));
            }
            RunGroups.Group any = ctx.values().iterator().next();
            details.add(String.join(" ≥ ", chain) + " (" + any.model() + ", " + any.dataset()
                    + (any.target().isEmpty() ? "" : ", target " + any.target()) + ")");
        }
        if (details.isEmpty()) {
            return Verdict.missing(text, "no setting has finished runs for every value of " + key + " " + order);
        }
        String slack = tolerance > 0 ? "; tolerance " + Format.number(tolerance, 1) + " pt per step" : "";
        return Verdict.of(text, pass, String.join("; ", details) + slack);
    }
}
