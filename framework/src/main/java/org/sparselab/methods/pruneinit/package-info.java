/**
 * Pruning at initialisation, the comparison SSC makes (Verma et al., WACV 2023, abstract): a criterion scores the
 * freshly initialised weights, an exact top-k keeps the budget, and the network trains with that mask fixed.
 * Criteria: {@code random}, {@code magnitude}, {@code snip} (Lee et al., ICLR 2019: |g ⊙ w| on a batch),
 * {@code grasp} (Wang et al., ICLR 2020: keep the largest w ⊙ Hg, i.e. remove the largest −w ⊙ Hg, with the
 * Hessian-gradient product by double backward) and {@code synflow} (Tanaka et al., NeurIPS 2020: iterative,
 * data-free, R = 1ᵀ(Π|W|)1 on an all-ones input). Budgets come from a density or from an SSC config
 * ({@code match}), so both have the same non-zero count. See {@code docs/methods/ssc.md}.
 */
package org.sparselab.methods.pruneinit;
