// Spatial grid through P/Invoke: queries and pairs against brute force, AOI events against
// brute-force set differences across batch moves, and every bad input with its exact status.
using System;
using System.Collections.Generic;

namespace Tessera.Tests
{
    public static unsafe class SpatialTests
    {
        private static bool Within(float ax, float az, float bx, float bz, float r)
        {
            double dx = (double)ax - bx, dz = (double)az - bz;
            return dx * dx + dz * dz <= (double)r * r;
        }

        private static void World(int n, int seed, out ulong[] ids, out float[] xs, out float[] zs, out float[] rs)
        {
            var rnd = new Random(seed);
            ids = new ulong[n];
            xs = new float[n];
            zs = new float[n];
            rs = new float[n];
            for (int i = 0; i < n; i++)
            {
                ids[i] = (ulong)(i * 13 + 5);
                xs[i] = rnd.Next(2) == 0 ? rnd.Next(-2, 44) * 5f : (float)(rnd.NextDouble() * 240 - 20);
                zs[i] = rnd.Next(2) == 0 ? rnd.Next(-2, 44) * 5f : (float)(rnd.NextDouble() * 240 - 20);
                rs[i] = i % 3 == 0 ? 0f : (i % 5) * 4f;
            }
        }

        public static void TestQueriesAgainstBruteForce()
        {
            ulong[] ids; float[] xs, zs, rs;
            World(250, 5, out ids, out xs, out zs, out rs);
            using (var grid = new SpatialGrid(0, 0, 200, 200, 10))
            {
                for (int i = 0; i < ids.Length; i++) grid.Insert(ids[i], xs[i], zs[i], rs[i]);
                Check.True(grid.Count == 250, "count");
                var output = new ulong[ids.Length];
                bool allCircles = true, allBoxes = true;
                for (int q = 0; q < 60; q++)
                {
                    float qx = xs[q], qz = zs[(q * 7) % ids.Length], r = (q % 6) * 5f;
                    int n = grid.QueryCircle(qx, qz, r, output);
                    var got = new HashSet<ulong>();
                    for (int k = 0; k < n; k++) got.Add(output[k]);
                    var expect = new HashSet<ulong>();
                    for (int i = 0; i < ids.Length; i++) if (Within(xs[i], zs[i], qx, qz, r)) expect.Add(ids[i]);
                    allCircles &= n == expect.Count && got.SetEquals(expect);
                    n = grid.QueryAabb(qx - r, qz, qx, qz + r, output);
                    int inBox = 0;
                    for (int i = 0; i < ids.Length; i++)
                        if (xs[i] >= qx - r && xs[i] <= qx && zs[i] >= qz && zs[i] <= qz + r) inBox++;
                    allBoxes &= n == inBox;
                }
                Check.True(allCircles, "circle queries equal brute force");
                Check.True(allBoxes, "box queries equal brute force");

                int total = grid.PairsWithin(8f, Span<TessIdPair>.Empty);
                var pairs = new TessIdPair[total];
                Check.True(grid.PairsWithin(8f, pairs) == total, "pair count stable");
                var seen = new HashSet<KeyValuePair<ulong, ulong>>();
                foreach (var p in pairs) seen.Add(new KeyValuePair<ulong, ulong>(p.a, p.b));
                int expectPairs = 0;
                for (int i = 0; i < ids.Length; i++)
                    for (int j = i + 1; j < ids.Length; j++)
                        if (Within(xs[i], zs[i], xs[j], zs[j], 8f)) expectPairs++;
                Check.True(seen.Count == pairs.Length, "each pair once");
                Check.True(total == expectPairs, "pair count equals brute force");

                var hits = new TessSpatialHit[4];
                Check.True(grid.Nearest(100, 100, hits) == 4, "four nearest");
                int closer = 0;
                for (int i = 0; i < ids.Length; i++)
                {
                    double dx = xs[i] - 100.0, dz = zs[i] - 100.0;
                    if (dx * dx + dz * dz < hits[3].dist_sq) closer++;
                }
                Check.True(closer <= 4 && hits[0].dist_sq <= hits[3].dist_sq, "nearest are nearest");
            }
        }

        public static void TestAoiAgainstBruteForce()
        {
            ulong[] ids; float[] xs, zs, rs;
            World(200, 8, out ids, out xs, out zs, out rs);
            var rnd = new Random(3);
            using (var grid = new SpatialGrid(0, 0, 200, 200, 10))
            {
                for (int i = 0; i < ids.Length; i++) grid.Insert(ids[i], xs[i], zs[i], rs[i]);
                var before = new HashSet<KeyValuePair<ulong, ulong>>();
                var pos = new TessVec3[ids.Length];
                bool ok = true;
                for (int frame = 0; frame < 5; frame++)
                {
                    if (frame > 0)
                    {
                        for (int i = 0; i < ids.Length; i++)
                        {
                            xs[i] += (float)(rnd.NextDouble() * 12 - 6);
                            zs[i] += (float)(rnd.NextDouble() * 12 - 6);
                            pos[i] = new TessVec3 { x = xs[i], y = 1f, z = zs[i] };
                        }
                        grid.MoveBatch(ids, pos);
                    }
                    var now = new HashSet<KeyValuePair<ulong, ulong>>();
                    for (int o = 0; o < ids.Length; o++)
                        for (int t = 0; t < ids.Length; t++)
                            if (o != t && rs[o] > 0 && Within(xs[t], zs[t], xs[o], zs[o], rs[o]))
                                now.Add(new KeyValuePair<ulong, ulong>(ids[o], ids[t]));
                    TessIdPair[] enter, leave;
                    grid.AoiUpdate(out enter, out leave);
                    var wantEnter = new HashSet<KeyValuePair<ulong, ulong>>(now);
                    wantEnter.ExceptWith(before);
                    var wantLeave = new HashSet<KeyValuePair<ulong, ulong>>(before);
                    wantLeave.ExceptWith(now);
                    var gotEnter = new HashSet<KeyValuePair<ulong, ulong>>();
                    foreach (var p in enter) gotEnter.Add(new KeyValuePair<ulong, ulong>(p.a, p.b));
                    var gotLeave = new HashSet<KeyValuePair<ulong, ulong>>();
                    foreach (var p in leave) gotLeave.Add(new KeyValuePair<ulong, ulong>(p.a, p.b));
                    ok &= gotEnter.SetEquals(wantEnter) && gotLeave.SetEquals(wantLeave) && gotEnter.Count == enter.Length;
                    before = now;
                }
                Check.True(ok, "AOI events equal brute-force set differences");
            }
        }

        public static void TestBadInput()
        {
            Check.Throws(() => new SpatialGrid(0, 0, 10, 10, 0), NativeMethods.TESS_INVALID_PARAM, "zero cell size");
            Check.Throws(() => new SpatialGrid(0, 0, 10, 10, -3), NativeMethods.TESS_INVALID_PARAM, "negative cell size");
            Check.Throws(() => new SpatialGrid(0, 0, 0, 10, 1), NativeMethods.TESS_INVALID_PARAM, "zero-sized bounds");
            TessSpatialGrid* raw;
            Check.Status(NativeMethods.tess_spatial_grid_new(0, 0, 10, 10, float.NaN, &raw), Check.FailedWith(NativeMethods.TESS_INVALID_PARAM), "NaN cell size");
            using (var grid = new SpatialGrid(0, 0, 100, 100, 10))
            {
                grid.Insert(1, 5, 5);
                Check.Throws(() => grid.Insert(1, 6, 6), NativeMethods.TESS_ALREADY_EXISTS, "duplicate id");
                Check.Throws(() => grid.Insert(2, float.NaN, 6), NativeMethods.TESS_INVALID_PARAM, "NaN insert");
                Check.Throws(() => grid.Move(1, 6, float.PositiveInfinity), NativeMethods.TESS_INVALID_PARAM, "inf move");
                Check.Throws(() => grid.Move(9, 6, 6), NativeMethods.TESS_NOT_FOUND, "unknown id move");
                Check.Throws(() => grid.Remove(9), NativeMethods.TESS_NOT_FOUND, "unknown id remove");
                Check.Throws(() => grid.MoveBatch(new ulong[] { 1 }, new[] { new TessVec3 { x = float.NaN } }), NativeMethods.TESS_INVALID_PARAM, "NaN batch");
                Check.Throws(() => grid.MoveBatch(new ulong[] { 4 }, new[] { new TessVec3() }), NativeMethods.TESS_NOT_FOUND, "unknown id batch");
                float x, z;
                grid.GetPosition(1, out x, out z);
                Check.True(x == 5 && z == 5, "failed calls moved nothing");
                grid.Insert(2, 6, 6);
                var small = new ulong[1];
                uint len;
                fixed (ulong* o = small)
                {
                    Check.Status(NativeMethods.tess_spatial_grid_query_circle((TessSpatialGrid*)grid.DangerousGetHandle(), 5, 5, 3, o, 1, &len),
                        NativeMethods.TESS_SUCCESS | NativeMethods.TESS_BUFFER_TOO_SMALL, "buffer too small");
                }
                Check.True(len == 2, "full count reported");
                Check.True(grid.QueryCircle(5, 5, 3, small) == 2, "wrapper reports the full count");
                Check.Status(NativeMethods.tess_spatial_grid_len(null, &len), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL grid");
            }
        }
    }
}
