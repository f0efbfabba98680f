/** Minor units shown as the tenant reads money (`A$5,000.00`); plain two-decimal numbers without a known currency. */
export function moneyFormatter(currency: string | undefined): (minor: number) => string {
  const plain = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (currency === undefined) return (minor) => plain.format(minor / 100);
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat('en', { style: 'currency', currency });
  } catch {
    return (minor) => plain.format(minor / 100);
  }
  // Minor units per major unit follow the currency (JPY has none, BHD has three).
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return (minor) => format.format(minor / 10 ** digits);
}
