package org.sparselab.methods.strucspars;

import java.util.Random;

/**
 * The learned channel shuffle: coordinate descent on {@code min_{P,Q} Σ S[P,:][:,Q] ⊙ R} with an exact linear
 * assignment per step ({@code GroupableConv2d.update_PQ}, {@code docs/methods/strucspars.md} §1.3, §4.2).
 *
 * <p>P-step (Q fixed): {@code M_P = R · S[:,Q]^T} (Cout×Cout), {@code P[a] = π(a)}. Q-step (P fixed):
 * {@code M_Q = S[P,:]^T · R} (Cin×Cin), assignment column-to-position, {@code Q[π(i)] = i}. The official exact
 * float test {@code loss1 == loss2} becomes a relative tolerance, since summation order differs between solvers.
 */
public final class AlternatingAssignment {
    /** Permutations found and their objective {@code Σ S[P,:][:,Q] ⊙ R}. */
    public record Result(int[] p, int[] q, double objective, int iterations) {}

    private final AssignmentSolver solver;
    private final double tolerance;

    public AlternatingAssignment(AssignmentSolver solver, double tolerance) {
        this.solver = solver;
        this.tolerance = tolerance;
    }

    /**
     * Runs up to {@code iters} P/Q rounds from {@code (p, q)} (only {@code q} acts as a warm start: P is solved
     * first), then {@code restarts} more runs from random Q's drawn from {@code rng}, keeping the lowest objective.
     * With {@code iters = 0} the inputs come back with their objective.
     */
    public Result solve(double[][] s, double[][] r, int[] p, int[] q, int iters, int restarts, Random rng) {
        Result best = run(s, r, p.clone(), q.clone(), iters);
        for (int k = 0; k < restarts && iters > 0; k++) {
            Result candidate = run(s, r, p.clone(), Permutations.random(q.length, rng), iters);
            if (candidate.objective() < best.objective()) best = candidate;
        }
        return best;
    }

    private Result run(double[][] s, double[][] r, int[] p, int[] q, int iters) {
        int rows = s.length;
        int cols = s[0].length;
        double objective = objective(s, r, p, q);
        int it = 0;
        while (it < iters) {
            it++;
            // P-step: M_P[a][b] = Σ_c R[a][c] · S[b][Q[c]]
            double[][] mp = new double[rows][rows];
            for (int b = 0; b < rows; b++) {
                double[] sb = s[b];
                double[] permuted = new double[cols];
                for (int c = 0; c < cols; c++) permuted[c] = sb[q[c]];
                for (int a = 0; a < rows; a++) mp[a][b] = dot(r[a], permuted);
            }
            p = solver.solve(mp);
            double loss1 = objective(s, r, p, q);
            // Q-step: M_Q[i][c] = Σ_a S[P[a]][i] · R[a][c]
            double[][] mq = new double[cols][cols];
            for (int a = 0; a < rows; a++) {
                double[] sa = s[p[a]];
                double[] ra = r[a];
                for (int i = 0; i < cols; i++) {
                    double v = sa[i];
                    if (v == 0) continue;
                    double[] row = mq[i];
                    for (int c = 0; c < cols; c++) row[c] += v * ra[c];
                }
            }
            int[] toPosition = solver.solve(mq);
            int[] newQ = new int[cols];
            for (int i = 0; i < cols; i++) newQ[toPosition[i]] = i;
            q = newQ;
            double loss2 = objective(s, r, p, q);
            objective = loss2;
            if (Math.abs(loss1 - loss2) <= tolerance * Math.max(1e-300, Math.abs(loss1))) break;
        }
        return new Result(p, q, objective, it);
    }

    /** {@code Σ S[P,:][:,Q] ⊙ R}. */
    public static double objective(double[][] s, double[][] r, int[] p, int[] q) {
        double sum = 0;
        for (int a = 0; a < p.length; a++) {
            double[] sa = s[p[a]];
            double[] ra = r[a];
            for (int c = 0; c < q.length; c++) sum += sa[q[c]] * ra[c];
        }
        return sum;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }
}
