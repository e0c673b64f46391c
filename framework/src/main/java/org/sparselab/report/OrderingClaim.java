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
 * context (settings equal apart from the key) that has runs for every value; all contexts must agree. Each step
 * Δ = mean(order[i]) − mean(order[i+1]) ≥ −tolerance is judged on the confidence interval of Δ; the chain is yes when
 * every step is, no when any step is.
 */
@Doc("Accuracy is ordered by the values of `key`: mean(order[0]) ≥ mean(order[1]) ≥ … (each step may fall short by "
        + "`tolerance` points), within each setting that has runs for every value; each step judged on the 95 % "
        + "Welch interval of its difference.")
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
        List<Verdict.Part> parts = new ArrayList<>();
        for (Map<String, RunGroups.Group> ctx : contexts.values()) {
            if (ctx.size() < order.size()) continue;
            StringBuilder chain = new StringBuilder();
            List<Verdict.Result> steps = new ArrayList<>();
            Stats prev = null;
            for (String o : order) {
                Stats s = ctx.get(o).accuracyPct();
                if (prev != null) {
                    Stats.Difference d = prev.minus(s);
                    Verdict.Result step = Verdict.Part.atLeast(d.interval(Verdict.CONFIDENCE), -tolerance);
                    steps.add(step);
                    chain.append(" [").append(Verdict.describe(d, prev, s)).append(": ").append(step.word())
                            .append("] ≥ ");
                }
                chain.append(o).append(' ').append(Format.pct(s)).append(" (n = ").append(s.n()).append(')');
                prev = s;
            }
            RunGroups.Group any = ctx.values().iterator().next();
            chain.append(" (").append(any.model()).append(", ").append(any.dataset())
                    .append(any.target().isEmpty() ? "" : ", target " + any.target()).append(')');
            parts.add(new Verdict.Part(Verdict.Result.all(steps), chain.toString()));
        }
        if (parts.isEmpty()) {
            return Verdict.missing(text, "no setting has finished runs for every value of " + key + " " + order);
        }
        String slack = tolerance > 0 ? "; tolerance " + Format.number(tolerance, 1) + " pt per step" : "";
        return Verdict.combine(text, parts, "", "; ", slack);
    }
}
