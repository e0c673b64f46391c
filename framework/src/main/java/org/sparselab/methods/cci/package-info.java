/**
 * Cross-channel intragroup (CCI) sparsity (Yu, Wang et al., arXiv 1910.11971; a reconstruction from the abstract,
 * {@code docs/methods/cci.md}): exactly k of every g consecutive input channels per output channel and kernel tap
 * ({@link org.sparselab.methods.cci.CciMask}), trained by a configurable gradual pipeline
 * ({@link org.sparselab.methods.cci.Cci}: gradual magnitude, STE re-selection with SR-STE, or selective decay, then a
 * frozen-mask fine-tune), with the paper's comparison baselines as the same pipeline on other structures
 * ({@code unstructured} magnitude pruning, {@code filter_pruning} by L1 norm with the filters really removed at
 * export), the compressed (val, idx) form ({@link org.sparselab.methods.cci.CciCodec}) and a cycle model of the
 * output-stationary dataflow it is meant for ({@link org.sparselab.methods.cci.CycleModel}).
 */
package org.sparselab.methods.cci;
