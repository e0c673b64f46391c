/**
 * StrucSpars (Zhang, Zhao, Xiao, Cheng, Yang: "Structured Sparsification with Joint Optimization of Group
 * Convolution and Channel Shuffle", UAI 2021, arXiv 2002.08127; official code github.com/Sakura03/StrucSpars):
 * a hierarchical structured-sparsity penalty turns each conv into a group conv, and a learned channel shuffle
 * (row and column permutations P, Q) makes the weight-norm matrix as block-diagonal as possible.
 *
 * <p>The shuffle is found by alternating linear assignment ({@code docs/methods/strucspars.md} §1.3, §4.2): the
 * official code calls POT's exact {@code ot.emd} with unit marginals, which is a square linear assignment problem.
 * This package so far holds only that exact-assignment part: {@link
 * org.sparselab.methods.strucspars.AssignmentSolver} with a Hungarian and a Jonker–Volgenant solver, chosen by the
 * {@code assignmentSolver} option through {@link org.sparselab.methods.strucspars.AssignmentSolvers}. The rest of
 * the method (cost matrices, penalty, grouping, export) comes later.
 */
package org.sparselab.methods.strucspars;
