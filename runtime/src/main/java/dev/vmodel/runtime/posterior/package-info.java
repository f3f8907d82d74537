/**
 * Immutable value types for the posterior factors that a generated model's {@code fit} result
 * exposes: one record per distribution family, with means, variances, expectations of
 * sufficient statistics, entropies and central credible intervals. Array components are
 * copied in the constructor and in every accessor.
 */
package dev.vmodel.runtime.posterior;
