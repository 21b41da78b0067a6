// Foundation tests through P/Invoke: version, errors, rsqrt, RNG, alias tables, PRD, bad input.
using System;
using System.Text;

namespace Tessera.Tests
{
    public static unsafe class FoundationTests
    {
        public static void TestVersionAndStatus()
        {
            Check.True(NativeMethods.tess_abi_version() == NativeMethods.TESS_ABI_VERSION, "abi version");
            Check.True(Status.Version().Length >= 5, "version string");
            Check.True(Status.Name(NativeMethods.TESS_SUCCESS) == "SUCCESS", "status name");
        }

        public static void TestRsqrt()
        {
            Check.Near(FastMath.Rsqrt(4.0f, Magic.Quake, 3), 0.5, 1e-6, "rsqrt 4");
            Check.Near(FastMath.Rsqrt(2.0, Magic.Moroz, 4), 1.0 / Math.Sqrt(2.0), 1e-15, "rsqrt f64");
            float[] data = { 1f, 4f, 16f, 0.25f };
            FastMath.RsqrtInPlace(data, Magic.Lomont, 2);
            Check.Near(data[2], 0.25, 1e-5, "batch in place");
            var n = FastMath.Normalize(new TessVec3 { x = 0, y = 3, z = 4 }, Magic.Moroz, 2);
            Check.Near(n.z, 0.8, 1e-5, "normalize");
            Check.Throws(() => FastMath.Rsqrt(1f, (Magic)7, 1), NativeMethods.TESS_INVALID_PARAM, "bad magic");
            Check.Throws(() => FastMath.Rsqrt(1f, Magic.Quake, 9), NativeMethods.TESS_INVALID_PARAM, "bad iterations");
            Check.Throws(() => FastMath.Normalize(new TessVec3 { x = float.NaN }), NativeMethods.TESS_INVALID_PARAM, "NaN vector");
            float dummy;
            Check.Status(NativeMethods.tess_rsqrt_f32(1f, 0, 1, null), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL out");
            Check.Status(NativeMethods.tess_rsqrt_f32_batch(null, &dummy, 3, 0, 1), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL input");
        }

        public static void TestRngVectorAndBadInput()
        {
            var rng = new Rng(42);
            var line = new StringBuilder("VECTOR rng");
            for (int i = 0; i < 8; i++) line.Append(' ').Append(rng.NextU64());
            Console.WriteLine(line);
            var fork = rng.Clone();
            Check.True(fork.NextU64() == rng.NextU64(), "clone continues the same stream");
            fork.Jump();
            Check.True(fork.NextU64() != rng.NextU64(), "jump separates streams");
            double d = rng.NextDouble();
            Check.True(d >= 0 && d < 1, "double in [0,1)");
            Check.True(rng.Below(6) < 6, "below");
            Check.Throws(() => rng.Below(0), NativeMethods.TESS_INVALID_PARAM, "below(0)");
            TessRng zero = new TessRng();
            ulong v;
            Check.Status(NativeMethods.tess_rng_next_u64(&zero, &v), Check.FailedWith(NativeMethods.TESS_INVALID_PARAM), "zero state");
            Check.Status(NativeMethods.tess_rng_next_u64(null, &v), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL rng");
        }

        public static void TestAliasTable()
        {
            using (var table = new AliasTable(new double[] { 1, 2, 3, 4 }))
            {
                Check.True(table.Count == 4, "count");
                var rng = new Rng(1);
                var samples = new uint[200000];
                table.Sample(rng, samples);
                var counts = new int[4];
                foreach (var s in samples) counts[s]++;
                double chi2 = 0;
                for (int i = 0; i < 4; i++)
                {
                    double expected = samples.Length * (i + 1) / 10.0;
                    chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
                }
                Check.True(chi2 < 21.1, "chi-square fit: " + chi2);
            }
            var weights = new double[10];
            for (int i = 0; i < 10; i++) weights[i] = i + 1;
            using (var t10 = new AliasTable(weights))
            {
                var rng = new Rng(7);
                var vec = new uint[32];
                t10.Sample(rng, vec);
                Console.WriteLine("VECTOR alias " + string.Join(" ", vec));
            }
            Check.Throws(() => new AliasTable(new double[0]), NativeMethods.TESS_INVALID_PARAM, "empty");
            Check.Throws(() => new AliasTable(new double[] { 1, -1 }), NativeMethods.TESS_INVALID_PARAM, "negative");
            Check.Throws(() => new AliasTable(new double[] { double.NaN }), NativeMethods.TESS_INVALID_PARAM, "NaN");
            Check.Throws(() => new AliasTable(new double[] { double.PositiveInfinity }), NativeMethods.TESS_INVALID_PARAM, "inf");
            Check.Throws(() => new AliasTable(new double[] { 0, 0 }), NativeMethods.TESS_INVALID_PARAM, "all zero");
            Check.Throws(() => new AliasTable(new double[] { 1.7e308, 1.7e308 }), NativeMethods.TESS_INVALID_PARAM, "sum overflow");
            var disposed = new AliasTable(new double[] { 1 });
            disposed.Dispose();
            Check.True(ThrowsDisposed(() => disposed.Sample(new Rng(1))), "disposed table");
            NativeMethods.tess_alias_table_free(null);
        }

        private static bool ThrowsDisposed(Action action)
        {
            try { action(); return false; }
            catch (ObjectDisposedException) { return true; }
        }

        public static void TestPrd()
        {
            Check.Near(Prd.CFromP(0.05), 0.00380, 5e-6, "C(5%)");
            Check.Near(Prd.CFromP(0.30), 0.11895, 5e-6, "C(30%)");
            Check.Throws(() => Prd.CFromP(0), NativeMethods.TESS_INVALID_PARAM, "p = 0");
            Check.Throws(() => new Prd(1.5), NativeMethods.TESS_INVALID_PARAM, "p > 1");
            var prd = new Prd(0.25);
            var rng = new Rng(9);
            var line = new StringBuilder("VECTOR prd ");
            for (int i = 0; i < 64; i++) line.Append(prd.Roll(rng) ? '1' : '0');
            Console.WriteLine(line);
            int hits = 0;
            for (int i = 0; i < 200000; i++) hits += prd.Roll(rng) ? 1 : 0;
            Check.Near(hits / 200000.0, 0.25, 5 * Math.Sqrt(0.25 * 0.75 / 200000), "PRD frequency");
        }
    }
}
