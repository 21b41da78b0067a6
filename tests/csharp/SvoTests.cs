// Sparse voxel octree tests through P/Invoke: builds, paths against the raw grid, save/load, bad input.
using System;
using System.Text;

namespace Tessera.Tests
{
    public static unsafe class SvoTests
    {
        static bool Wall(int x, int y, int z)
        {
            return x == 6 && !(y == 3 && z == 3) && z < 10;
        }

        static Svo Build()
        {
            var sb = new StringBuilder("voxel 12 12 12\n");
            for (int x = 0; x < 12; x++)
                for (int y = 0; y < 12; y++)
                    for (int z = 0; z < 12; z++)
                        if (Wall(x, y, z)) sb.Append(x).Append(' ').Append(y).Append(' ').Append(z).Append('\n');
            return Svo.From3dMap(sb.ToString());
        }

        static TessVec3 V(float x, float y, float z)
        {
            return new TessVec3 { x = x, y = y, z = z };
        }

        public static void TestPaths()
        {
            using (var svo = Build())
            using (var q = new SvoQuery(svo, 4096))
            {
                Check.True(svo.Info.cube_side == 16, "cube side");
                Check.True(svo.IsBlocked(V(6.5f, 0.5f, 0.5f)) && !svo.IsBlocked(V(5.5f, 0.5f, 0.5f)), "is blocked");
                var path = q.FindPath(V(1.5f, 1.5f, 1.5f), V(10.5f, 1.5f, 1.5f));
                Check.Status(path.Status, NativeMethods.TESS_SUCCESS, "path status");
                Check.True(path.Info.found == 1 && path.Points.Length >= 3, "path found around the wall");
                bool clear = true;
                for (int i = 0; i + 1 < path.Points.Length; i++)
                {
                    float t;
                    if (svo.Raycast(path.Points[i], path.Points[i + 1], out t)) clear = false;
                }
                Check.True(clear, "segments clear");
                var options = SvoQuery.DefaultOptions(SvoHeuristic.Euclidean);
                Check.True(options.heuristic == (byte)SvoHeuristic.Euclidean && options.smooth == 1, "options");
                var other = q.FindPath(V(1.5f, 1.5f, 1.5f), V(10.5f, 1.5f, 1.5f), options);
                Check.True(other.Info.found == 1, "Euclidean heuristic path");
                for (int i = 0; i + 1 < other.Points.Length; i++)
                {
                    float t;
                    if (svo.Raycast(other.Points[i], other.Points[i + 1], out t)) clear = false;
                }
                Check.True(clear, "Euclidean segments clear");
                options.heuristic = 5;
                Check.Throws(() => q.FindPath(V(1.5f, 1.5f, 1.5f), V(10.5f, 1.5f, 1.5f), options), NativeMethods.TESS_INVALID_PARAM, "bad heuristic");
                float hit;
                Check.True(svo.Raycast(V(1.5f, 1.5f, 1.5f), V(10.5f, 1.5f, 1.5f), out hit), "wall hit");
                Check.Near(hit, 4.5 / 9.0, 1e-4, "hit fraction");
                var free = q.NearestFree(V(6.2f, 0.5f, 0.5f), 2f);
                Check.Near(free.x, 5.5, 0.0, "nearest free");
                Check.True(svo.Svg(path.Points).Contains("<polyline"), "svg");
            }
        }

        public static void TestCallbackAndBlob()
        {
            using (var svo = Build())
            {
                var p = new TessSvoBuildParams { bounds_min = V(0, 0, 0), bounds_max = V(12, 12, 12), voxel_size = 1f, agent_radius = 0f };
                using (var cb = Svo.FromCallback(p, (lo, hi) =>
                {
                    for (int x = (int)lo.x; x < (int)hi.x; x++)
                        for (int y = (int)lo.y; y < (int)hi.y; y++)
                            for (int z = (int)lo.z; z < (int)hi.z; z++)
                                if (x < 12 && y < 12 && z < 12 && Wall(x, y, z)) return true;
                    return false;
                }))
                {
                    Check.True(Convert.ToBase64String(cb.Save()) == Convert.ToBase64String(svo.Save()), "callback build equals .3dmap build");
                }
                byte[] blob = svo.Save();
                using (var back = Svo.Load(blob)) Check.True(back.Info.memory_bytes == svo.Info.memory_bytes, "load");
                byte[] cut = new byte[blob.Length - 1];
                Array.Copy(blob, cut, cut.Length);
                Check.Throws(() => Svo.Load(cut), NativeMethods.TESS_CORRUPT_DATA, "truncated blob");
                blob[blob.Length / 2] ^= 4;
                Check.Throws(() => Svo.Load(blob), NativeMethods.TESS_CORRUPT_DATA, "corrupted blob");
            }
        }

        public static void TestBadInput()
        {
            using (var svo = Build())
            using (var q = new SvoQuery(svo, 4096))
            {
                Check.Throws(() => q.FindPath(V(float.NaN, 1, 1), V(1, 1, 1)), NativeMethods.TESS_INVALID_PARAM, "NaN start");
                Check.Throws(() => q.FindPath(V(1, 1, 1), V(1, float.PositiveInfinity, 1)), NativeMethods.TESS_INVALID_PARAM, "inf goal");
                Check.Throws(() => q.FindPath(V(1, 1, 1), V(1, 1, 30)), NativeMethods.TESS_INVALID_PARAM, "outside bounds");
                Check.Throws(() => q.FindPath(V(6.5f, 0.5f, 0.5f), V(1, 1, 1)), NativeMethods.TESS_NOT_FOUND, "inside solid");
                Check.Throws(() => Svo.From3dMap("voxel 2 2 2\n0 0\n"), NativeMethods.TESS_PARSE_ERROR, "malformed 3dmap");
                var p = new TessSvoBuildParams { bounds_min = V(0, 0, 0), bounds_max = V(4, 4, 4), voxel_size = 0f };
                Check.Throws(() => Svo.FromCallback(p, (lo, hi) => false), NativeMethods.TESS_INVALID_PARAM, "zero voxel size");
                p.voxel_size = -2f;
                Check.Throws(() => Svo.FromMesh(new[] { V(0, 0, 0), V(1, 0, 0), V(0, 1, 0) }, new uint[] { 0, 1, 2 }, p), NativeMethods.TESS_INVALID_PARAM, "negative voxel size");
                TessSvoQuery* none = null;
                Check.Status(NativeMethods.tess_svo_query_new(null, 64, &none), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL octree");
                Check.Status(NativeMethods.tess_svo_free(null), NativeMethods.TESS_SUCCESS, "free NULL");
            }
        }
    }
}
