// Navmesh tests through P/Invoke: paths on the shipped dungeon mesh, sliced = one-shot, optimal <= funnel,
// shared references, blobs, and bad input with exact statuses.
using System;
using System.IO;

namespace Tessera.Tests
{
    public static unsafe class NavmeshTests
    {
        static TessVec3 V(float x, float y, float z)
        {
            return new TessVec3 { x = x, y = y, z = z };
        }

        static double XzLength(TessVec3[] p)
        {
            double len = 0;
            for (int i = 1; i < p.Length; i++)
            {
                double dx = p[i].x - p[i - 1].x, dz = p[i].z - p[i - 1].z;
                len += Math.Sqrt(dx * dx + dz * dz);
            }
            return len;
        }

        public static void TestPathsOnDungeon()
        {
            using (var mesh = NavMesh.FromObj(File.ReadAllText("data/navmesh/dungeon.navmesh.obj")))
            using (var q = new NavMeshQuery(mesh, 2048))
            {
                Check.True(mesh.PolyCount == 118, "dungeon polygon count");
                var filter = QueryFilter.Default();
                var rng = new Rng(17);
                int reached = 0;
                for (int i = 0; i < 60; i++)
                {
                    TessVec3 a, b;
                    ulong pa = q.FindRandomPoint(filter, rng, out a);
                    ulong pb = q.FindRandomPoint(filter, rng, out b);
                    var path = q.FindPath(pa, pb, a, b, filter);
                    Check.True(path.Polys.Length > 0 && path.Polys[0] == pa, "path starts at the start polygon");
                    uint st = q.InitSliced(pa, pb, a, b, filter);
                    while (st == NativeMethods.TESS_IN_PROGRESS) st = q.UpdateSliced(3);
                    var sliced = q.FinalizeSliced();
                    bool same = sliced.Status == path.Status && sliced.Polys.Length == path.Polys.Length;
                    for (int k = 0; same && k < path.Polys.Length; k++) same = sliced.Polys[k] == path.Polys[k];
                    Check.True(same, "sliced equals one-shot");
                    if (!path.Partial)
                    {
                        reached++;
                        var sp = q.FindStraightPath(a, b, path.Polys, 0);
                        var funnel = new TessVec3[sp.Length];
                        for (int k = 0; k < sp.Length; k++) funnel[k] = sp[k].pos;
                        float len;
                        var opt = q.FindOptimalPath(pa, pb, a, b, filter, out len);
                        Check.True(opt.Length >= 2, "optimal path found");
                        Check.True(len <= XzLength(funnel) + 1e-3, "optimal <= funnel");
                    }
                }
                Check.True(reached > 5, "some goals reachable");
            }
        }

        public static void TestSharedMeshAndBlob()
        {
            NavMesh shared;
            using (var mesh = NavMesh.FromObj(File.ReadAllText("data/navmesh/nav_test.navmesh.obj")))
            {
                shared = mesh.Share();
            }
            using (shared)
            {
                Check.True(shared.PolyCount == 155, "shared reference outlives the first");
                byte[] blob = shared.Save();
                using (var back = NavMesh.Load(blob)) Check.True(back.PolyCount == 155, "blob round trip");
                blob[blob.Length / 2] ^= 4;
                Check.Throws(() => NavMesh.Load(blob), NativeMethods.TESS_CORRUPT_DATA, "corrupt blob");
                blob[blob.Length / 2] ^= 4;
                blob[8] = 7;
                Check.Throws(() => NavMesh.Load(blob), NativeMethods.TESS_VERSION_MISMATCH, "version");
            }
        }

        public static void TestBadInput()
        {
            var verts = new[] { V(0, 0, 0), V(0, 0, 1), V(1, 0, 1), V(1, 0, 0), V(0.5f, 0, 0.5f) };
            Check.Throws(() => NavMesh.FromArrays(verts, new uint[] { 0, 1, 2, 9 }, new uint[] { 4 }), NativeMethods.TESS_INVALID_PARAM, "index out of range");
            Check.Throws(() => NavMesh.FromArrays(verts, new uint[] { 0, 1, 2, 4, 3 }, new uint[] { 5 }), NativeMethods.TESS_INVALID_PARAM, "non-convex");
            Check.Throws(() => NavMesh.FromObj("v 0 0\n"), NativeMethods.TESS_PARSE_ERROR, "parse error");
            using (var mesh = NavMesh.FromArrays(verts, new uint[] { 0, 1, 2, 3 }, new uint[] { 4 }))
            using (var other = NavMesh.FromArrays(verts, new uint[] { 0, 1, 2, 3 }, new uint[] { 4 }))
            using (var q = new NavMeshQuery(mesh, 16))
            {
                var filter = QueryFilter.Default();
                TessVec3 p;
                ulong poly = q.FindNearestPoly(V(0.5f, 0, 0.5f), V(1, 1, 1), filter, out p);
                Check.True(poly == mesh.PolyRef(0), "nearest polygon");
                ulong none = q.FindNearestPoly(V(9, 0, 9), V(1, 1, 1), filter, out p);
                Check.True(none == 0, "nothing near");
                Check.Throws(() => q.FindPath(other.PolyRef(0), poly, p, p, filter), NativeMethods.TESS_STALE_HANDLE, "foreign polygon ref");
                Check.Throws(() => q.FindPath(0, poly, p, p, filter), NativeMethods.TESS_INVALID_PARAM, "null polygon ref");
                Check.Throws(() => q.FindPath(poly, poly, V(float.NaN, 0, 0), p, filter), NativeMethods.TESS_INVALID_PARAM, "NaN position");
                var bad = QueryFilter.Default();
                bad.SetAreaCost(3, -2);
                Check.Throws(() => q.FindPath(poly, poly, p, p, bad), NativeMethods.TESS_INVALID_PARAM, "negative area cost");
                Check.Throws(() => q.UpdateSliced(1), NativeMethods.TESS_WRONG_STATE, "update before init");
                var hit = q.Raycast(poly, V(0.5f, 0, 0.5f), V(3, 0, 0.5f), filter);
                Check.Near(hit.t, 0.2, 1e-5, "raycast hits the wall at x = 1");
                Check.Near(q.DistanceToWall(poly, V(0.5f, 0, 0.3f), 5, filter), 0.3, 1e-5, "distance to wall");
                var moved = q.MoveAlongSurface(poly, V(0.5f, 0, 0.5f), V(0.5f, 0, -4), filter);
                Check.Near(moved.z, 0, 1e-5, "slides along the wall");
                bool over;
                var cp = q.ClosestPointOnPoly(poly, V(-1, 5, 0.5f), out over);
                Check.True(!over && Math.Abs(cp.x) < 1e-6 && Math.Abs(cp.z - 0.5) < 1e-6, "closest point on the boundary");
                Check.Near(q.PolyHeight(poly, V(0.3f, 9, 0.3f)), 0, 1e-6, "height");
                Check.Throws(() => q.PolyHeight(poly, V(3, 0, 3)), NativeMethods.TESS_NOT_FOUND, "height off the polygon");
                Check.True(q.FindPolysAroundCircle(poly, V(0.5f, 0, 0.5f), 2, filter).Length == 1, "one polygon around");
                var rng = new Rng(3);
                TessVec3 rp;
                q.FindRandomPointAroundCircle(poly, V(0.5f, 0, 0.5f), 0.25f, filter, rng, out rp);
                Check.True((rp.x - 0.5) * (rp.x - 0.5) + (rp.z - 0.5) * (rp.z - 0.5) <= 0.0626, "random point in the circle");
                Check.Status(NativeMethods.tess_navmesh_query_new(mesh.Ptr, 0, null), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL out");
                TessNavMeshQuery* raw;
                Check.Status(NativeMethods.tess_navmesh_query_new(mesh.Ptr, 0, &raw), Check.FailedWith(NativeMethods.TESS_INVALID_PARAM), "max_nodes 0");
            }
        }
    }
}
