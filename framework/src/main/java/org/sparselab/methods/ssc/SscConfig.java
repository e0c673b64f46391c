package org.sparselab.methods.ssc;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;
import org.sparselab.methods.Method;
import org.sparselab.methods.MethodConfig;
import org.sparselab.methods.masking.LayerSelection;
import org.sparselab.nn.LayerKind;

/**
 * SSC's options ({@code docs/methods/ssc.md} §6). The paper's method section was not available: every option is a
 * reconstruction (spec label [R]) and the defaults are the spec's recommended configuration (§5).
 */
@Doc("SSC (Verma et al., WACV 2023): structured sparse convolution, a fixed filter pattern trained from random "
        + "initialisation (reconstruction: channel component, ODD/EVEN taps, pointwise complement).")
public record SscConfig(
        @Doc("Method name: ssc.") String name,
        @Doc("G (HetConv's P): filters give a k×k kernel to in/G of their channels; must divide the input "
                + "channels and filters of every converted layer.") @Default("4") int groups,
        @Doc("contiguous (S_n = the filter's group block: grouped conv) | shifted (S_n = {c : (c − n) mod G = 0}: "
                + "HetConv).") @Default("contiguous") String channelMode,
        @Doc("Taps of the k×k kernels: full | odd ((i+j) even: corners + centre) | even ((i+j) odd) | alt_channel "
                + "(ODD on channels with c+n even, else EVEN) | alt_filter (ODD on even filters).")
                @Default("alt_channel") String pattern,
        @Doc("A centre-only 1×1 tap on every channel outside S_n (HetConv's pointwise part).") @Default("true")
                boolean pointwiseComplement,
        @Doc("Kernel size of the converted convs (odd); null keeps each layer's own (padding becomes k/2).")
                @Default("null") Integer kernelSize,
        @Doc("Layer kinds converted (the shared mask-method vocabulary): block | pointwise | depthwise | shortcut | "
                + "head | stem. On 1×1 convs only the channel component applies (a grouped pointwise conv).")
                @Default("[block]") List<String> layers,
        @Doc("Training form: masked (dense conv on W ⊙ M, the reference) | decomposed (grouped and dilated convs "
                + "between gathers, spec §1.5 B; the same function).") @Default("masked") String implementation,
        @Doc("Fan of the initializer: dense_fan (the dense layer's, then masked: pruning-at-init practice) | "
                + "nonzero_fan (the mask's non-zeros per filter or channel).") @Default("dense_fan") String initRule,
        @Doc("kaiming_normal_fan_out (GraSP's init) | kaiming_normal_fan_in | torch_default (kaiming_uniform, "
                + "a = √5).") @Default("kaiming_normal_fan_out") String initializer,
        @Doc("Deployed form per layer: auto (decomposed where it is no slower than the masked-dense conv at every "
                + "output.deploy_batch_sizes, timed at export on the run's device; masked when output.deploy_repeats "
                + "is 0) | masked | decomposed.") @Default("auto") String deploy)
        implements MethodConfig {
    public static final String NAME = "ssc";
    public static final List<LayerKind> KINDS = List.of(LayerKind.STEM, LayerKind.BLOCK, LayerKind.POINTWISE,
            LayerKind.DEPTHWISE, LayerKind.SHORTCUT, LayerKind.HEAD);

    public SscConfig {
        Check.oneOf("name", name, List.of(NAME));
        Check.positive("groups", groups);
        Check.oneOf("channel_mode", channelMode, names(SscPattern.ChannelMode.values()));
        Check.oneOf("pattern", pattern, names(SscPattern.Spatial.values()));
        if (kernelSize != null && (kernelSize <= 0 || kernelSize % 2 == 0)) {
            throw ConfigException.expected("kernel_size", "an odd positive kernel size (or null)", kernelSize);
        }
        layers = LayerSelection.parse("layers", layers, KINDS).names();
        Check.oneOf("implementation", implementation, List.of("masked", "decomposed"));
        Check.oneOf("init_rule", initRule, SscInit.RULES);
        Check.oneOf("initializer", initializer, SscInit.INITIALIZERS);
        Check.oneOf("deploy", deploy, List.of("auto", "masked", "decomposed"));
    }

    public LayerSelection selection() {
        return LayerSelection.parse("layers", layers, KINDS);
    }

    public SscPattern.Options options() {
        return new SscPattern.Options(groups, SscPattern.ChannelMode.valueOf(channelMode.toUpperCase(Locale.ROOT)),
                SscPattern.Spatial.valueOf(pattern.toUpperCase(Locale.ROOT)), pointwiseComplement);
    }

    @Override
    public Method create() {
        return new Ssc(this);
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }
}
