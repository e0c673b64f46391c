package org.sparselab.methods.ssc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;
import org.sparselab.methods.ssc.SscPattern.ChannelMode;
import org.sparselab.methods.ssc.SscPattern.Options;
import org.sparselab.methods.ssc.SscPattern.Spatial;
import org.sparselab.nn.ConvSpec;

/** Spec §7 tests 1, 2 and the closed form of §1.4: taps, channel sets, counts and refusals, computed by hand. */
class SscPatternTest {
    private static ConvSpec conv(int in, int out, int k) {
        return ConvSpec.of("stage1.block0.conv1", ConvSpec.Role.BLOCK, in, out, k, 1, 1);
    }

    @Test
    void oddIsCornersAndCentreAndEvenItsComplement() {
        boolean[][] odd = SscPattern.taps(3, true);
        boolean[][] even = SscPattern.taps(3, false);
        assertArrayEquals(new boolean[] {true, false, true}, odd[0]);
        assertArrayEquals(new boolean[] {false, true, false}, odd[1]);
        assertArrayEquals(new boolean[] {true, false, true}, odd[2]);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertTrue(odd[i][j] != even[i][j]);
        for (int k = 1; k <= 7; k += 2) {
            int o = 0;
            int e = 0;
            boolean[][] ok = SscPattern.taps(k, true);
            boolean[][] ek = SscPattern.taps(k, false);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    assertTrue(ok[i][j] ^ ek[i][j], "ODD ∪ EVEN = FULL, disjoint");
                    o += ok[i][j] ? 1 : 0;
                    e += ek[i][j] ? 1 : 0;
                }
            }
            assertEquals((k * k + 1) / 2, o, "|ODD| = ceil(k²/2), k=" + k);
            assertEquals(k * k / 2, e, "|EVEN| = floor(k²/2), k=" + k);
        }
    }

    /** Which channels of filter n have any k×k tap (S_n) and which only the centre (Q_n). */
    private static String channels(float[] m, int n, int in, int k) {
        StringBuilder sb = new StringBuilder();
        int c0 = (k * k) / 2;
        for (int c = 0; c < in; c++) {
            int taps = 0;
            for (int t = 0; t < k * k; t++) taps += (int) m[(n * in + c) * k * k + t];
            boolean centreOnly = taps == 1 && m[(n * in + c) * k * k + c0] == 1;
            sb.append(taps == 0 ? '.' : centreOnly ? 'c' : 'S');
        }
        return sb.toString();
    }

    @Test
    void contiguousIsGroupBlocksAndShiftedIsResidues() {
        float[] contiguous = SscPattern.mask(conv(8, 8, 3), new Options(4, ChannelMode.CONTIGUOUS, Spatial.FULL, true));
        assertEquals("SScccccc", channels(contiguous, 0, 8, 3));
        assertEquals("SScccccc", channels(contiguous, 1, 8, 3));
        assertEquals("ccSScccc", channels(contiguous, 2, 8, 3));
        assertEquals("ccccccSS", channels(contiguous, 7, 8, 3));
        float[] shifted = SscPattern.mask(conv(8, 8, 3), new Options(4, ChannelMode.SHIFTED, Spatial.FULL, false));
        assertEquals("S...S...", channels(shifted, 0, 8, 3));
        assertEquals(".S...S..", channels(shifted, 1, 8, 3)); // floorMod(c − n, 4) = 0: the window shifts by one
        assertEquals("...S...S", channels(shifted, 7, 8, 3));
    }

    @Test
    void closedFormEqualsTheMaskCountPerFilter() {
        for (int groups : new int[] {1, 2, 4, 8}) {
            for (boolean complement : new boolean[] {false, true}) {
                int in = 32;
                int out = 16;
                float[] m = SscPattern.mask(conv(in, out, 3), new Options(groups, ChannelMode.CONTIGUOUS,
                        Spatial.ALT_CHANNEL, complement));
                for (int n = 0; n < out; n++) {
                    long count = 0;
                    for (int e = n * in * 9; e < (n + 1) * in * 9; e++) count += (long) m[e];
                    assertEquals(SscPattern.perFilterAltChannel(n, in, out, groups, 3, complement), count,
                            "G=" + groups + " complement=" + complement + " filter " + n);
                }
            }
        }
        // 64 channels, G=4, ALT_CHANNEL, complement: 8·5 + 8·4 + 48 = 120 = 1.875·64 per filter (spec §8).
        assertEquals(120, SscPattern.perFilterAltChannel(0, 64, 64, 4, 3, true));
    }

    @Test
    void groupsThatDoNotDivideAndAnEvenKernelAreRefusedNamingLayerAndOption() {
        var e = assertThrows(ConfigException.class, () -> SscPattern.mask(conv(24, 16, 3),
                new Options(5, ChannelMode.CONTIGUOUS, Spatial.FULL, true)));
        assertEquals("method.groups", e.keyPath());
        assertTrue(e.getMessage().contains("stage1.block0.conv1") && e.getMessage().contains("24"), e.getMessage());
        var k = assertThrows(ConfigException.class, () -> SscPattern.mask(
                new ConvSpec("x.conv", ConvSpec.Role.BLOCK, 8, 8, 2, 1, 0, 1, 1, false),
                new Options(2, ChannelMode.CONTIGUOUS, Spatial.FULL, true)));
        assertEquals("method.kernel_size", k.keyPath());
        var alt = assertThrows(ConfigException.class, () -> SscPattern.mask(conv(12, 12, 3),
                new Options(4, ChannelMode.CONTIGUOUS, Spatial.ALT_CHANNEL, true))); // 3 channels per filter
        assertEquals("method.pattern", alt.keyPath());
    }

    @Test
    void pointwiseConvsKeepOnlyTheChannelComponent() {
        float[] m = SscPattern.mask(conv(8, 8, 1), new Options(2, ChannelMode.CONTIGUOUS, Spatial.ALT_CHANNEL, true));
        float[] grouped = new float[64];
        for (int n = 0; n < 8; n++) for (int c = 0; c < 8; c++) grouped[n * 8 + c] = c / 4 == n / 4 ? 1 : 0;
        assertArrayEquals(grouped, m);
    }
}
