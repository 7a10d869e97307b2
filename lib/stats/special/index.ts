/**
 * Special functions behind the drift p-values, ported from the algorithms scipy 1.10 uses so the
 * p-values agree with scipy to ~1e-12 relative:
 * - log-gamma and the regularized upper incomplete gamma Q(a, x) (cephes `igamc`, for chi2.sf);
 * - the one-sided Smirnov survival function (cephes `smirnov`, double-double arithmetic);
 * - the limiting Kolmogorov survival function (cephes `kolmogorov`, kstwobign.sf);
 * - the finite-n two-sided Kolmogorov–Smirnov survival function (scipy.stats.kstwo.sf, which is
 *   `scipy.stats._ksstats._kolmogn`: Simard & L'Ecuyer's choice among Ruben–Gambino, Durbin
 *   matrix (Marsaglia–Tsang–Wang), Pomeranz, Pelz–Good and 2 × Smirnov).
 */
export { chiSquareSurvival, logGamma, regularizedGammaQ } from "./gamma";
export { kolmogorov, smirnov } from "./kolmogorov";
export { kolmogorovSmirnovSurvival } from "./kstwo";
export { roundHalfEven } from "./numeric";
