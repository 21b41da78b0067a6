// tessera C#: navigation meshes (shared, immutable) and per-thread navmesh queries.
//
// Coordinates are tessera's (right-handed, Y up). From Unity negate Z on the way in and out:
// new TessVec3 { x = v.x, y = v.y, z = -v.z }. Unity's NavMesh.CalculateTriangulation() output
// goes to NavMesh.FromTriangles (after the Z flip the winding is corrected by the builder).
using System;
using System.Text;

namespace Tessera
{
    /// <summary>Include/exclude flags and per-area costs (64 areas); a value type.</summary>
    public unsafe struct QueryFilter
    {
        internal TessQueryFilter raw;

        /// <summary>Everything passes, every area costs 1.</summary>
        public static QueryFilter Default()
        {
            var f = new QueryFilter();
            Status.Check(NativeMethods.tess_query_filter_init(&f.raw));
            return f;
        }

        public ushort IncludeFlags { get { return raw.include_flags; } set { raw.include_flags = value; } }
        public ushort ExcludeFlags { get { return raw.exclude_flags; } set { raw.exclude_flags = value; } }

        public void SetAreaCost(int area, float cost)
        {
            if (area < 0 || area >= 64) throw new ArgumentOutOfRangeException("area");
            fixed (TessQueryFilter* p = &raw) p->area_cost[area] = cost;
        }
    }

    /// <summary>An immutable navigation mesh, shared by any number of threads and queries.
    /// Each NavMesh object holds one reference; Share() makes another.</summary>
    public sealed unsafe class NavMesh : TessHandle
    {
        private NavMesh(TessNavMesh* raw)
        {
            SetHandle((IntPtr)raw);
        }

        /// <summary>Builds from polygon Wavefront OBJ text.</summary>
        public static NavMesh FromObj(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text + "\0");
            TessNavMesh* raw;
            fixed (byte* t = bytes) Status.Check(NativeMethods.tess_navmesh_from_obj(t, &raw));
            return new NavMesh(raw);
        }

        /// <summary>Builds from arrays: vertices, polygon corner indices and polygon sizes.</summary>
        public static NavMesh FromArrays(TessVec3[] vertices, uint[] indices, uint[] polySizes)
        {
            TessNavMesh* raw;
            fixed (TessVec3* v = vertices)
            fixed (uint* i = indices)
            fixed (uint* s = polySizes)
            {
                Status.Check(NativeMethods.tess_navmesh_new(v, (uint)vertices.Length, i, (uint)indices.Length, s, (uint)polySizes.Length,
                    null, null, null, 0, null, 0, null, 0, null, &raw));
            }
            return new NavMesh(raw);
        }

        /// <summary>Builds from a triangle soup (Unity's CalculateTriangulation): weld, clean, merge into convex polygons.</summary>
        public static NavMesh FromTriangles(TessVec3[] vertices, uint[] indices, byte[] areas)
        {
            TessNavMesh* raw;
            fixed (TessVec3* v = vertices)
            fixed (uint* i = indices)
            fixed (byte* a = areas)
            {
                Status.Check(NativeMethods.tess_navmesh_from_triangles(v, (uint)vertices.Length, i, (uint)indices.Length, a, null, &raw));
            }
            return new NavMesh(raw);
        }

        /// <summary>Loads a blob written by Save().</summary>
        public static NavMesh Load(byte[] blob)
        {
            TessNavMesh* raw;
            fixed (byte* b = blob) Status.Check(NativeMethods.tess_navmesh_load(b, (uint)blob.Length, &raw));
            return new NavMesh(raw);
        }

        /// <summary>Another reference to the same mesh (dispose each independently).</summary>
        public NavMesh Share()
        {
            TessNavMesh* raw;
            Status.Check(NativeMethods.tess_navmesh_shared_clone((TessNavMesh*)Raw, &raw));
            return new NavMesh(raw);
        }

        public byte[] Save()
        {
            uint n;
            Status.Check(NativeMethods.tess_navmesh_save((TessNavMesh*)Raw, null, 0, &n));
            var blob = new byte[n];
            fixed (byte* b = blob) Status.Check(NativeMethods.tess_navmesh_save((TessNavMesh*)Raw, b, n, &n));
            return blob;
        }

        public uint PolyCount
        {
            get
            {
                uint n;
                Status.Check(NativeMethods.tess_navmesh_poly_count((TessNavMesh*)Raw, &n));
                return n;
            }
        }

        public ulong PolyRef(uint index)
        {
            ulong r;
            Status.Check(NativeMethods.tess_navmesh_poly_ref((TessNavMesh*)Raw, index, &r));
            return r;
        }

        /// <summary>Writes an SVG top view with a funnel path and an optimal path.</summary>
        public void WriteSvg(TessVec3[] funnel, TessVec3[] optimal, string path)
        {
            byte[] p = Encoding.UTF8.GetBytes(path + "\0");
            fixed (TessVec3* f = funnel)
            fixed (TessVec3* o = optimal)
            fixed (byte* pp = p)
            {
                Status.Check(NativeMethods.tess_navmesh_write_svg((TessNavMesh*)Raw, f, (uint)funnel.Length, o, (uint)optimal.Length, pp));
            }
        }

        internal TessNavMesh* Ptr { get { return (TessNavMesh*)Raw; } }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_navmesh_free((TessNavMesh*)handle);
            return true;
        }
    }

    /// <summary>A path search result.</summary>
    public struct PolyPath
    {
        public ulong[] Polys;
        public uint Status;
        public bool Partial { get { return (Status & NativeMethods.TESS_PARTIAL_RESULT) != 0; } }
    }

    /// <summary>A per-thread query object; its node pool is allocated once. One thread at a time.</summary>
    public sealed unsafe class NavMeshQuery : TessHandle
    {
        private readonly ulong[] path;

        public NavMeshQuery(NavMesh mesh, uint maxNodes)
        {
            TessNavMeshQuery* raw;
            Status.Check(NativeMethods.tess_navmesh_query_new(mesh.Ptr, maxNodes, &raw));
            SetHandle((IntPtr)raw);
            path = new ulong[maxNodes];
        }

        private TessNavMeshQuery* Q { get { return (TessNavMeshQuery*)Raw; } }

        /// <summary>Nearest polygon (0 when none is in the box) and the closest point on it.</summary>
        public ulong FindNearestPoly(TessVec3 center, TessVec3 halfExtents, QueryFilter filter, out TessVec3 point)
        {
            ulong poly;
            TessVec3 p;
            Status.Check(NativeMethods.tess_navmesh_query_find_nearest_poly(Q, center, halfExtents, &filter.raw, &poly, &p));
            point = p;
            return poly;
        }

        /// <summary>Closest point on a polygon; over is true when pos lies over it in XZ.</summary>
        public TessVec3 ClosestPointOnPoly(ulong poly, TessVec3 pos, out bool over)
        {
            TessVec3 p;
            byte o;
            Status.Check(NativeMethods.tess_navmesh_query_closest_point_on_poly(Q, poly, pos, &p, &o));
            over = o != 0;
            return p;
        }

        /// <summary>Surface height of a polygon at pos (throws NOT_FOUND when pos is not over it).</summary>
        public float PolyHeight(ulong poly, TessVec3 pos)
        {
            float h;
            Status.Check(NativeMethods.tess_navmesh_query_poly_height(Q, poly, pos, &h));
            return h;
        }

        /// <summary>Polygons reachable from start whose portals come within radius of center.</summary>
        public TessPolyCost[] FindPolysAroundCircle(ulong start, TessVec3 center, float radius, QueryFilter filter)
        {
            var outp = new TessPolyCost[path.Length];
            uint n;
            fixed (TessPolyCost* o = outp)
            {
                Status.Check(NativeMethods.tess_navmesh_query_find_polys_around_circle(Q, start, center, radius, &filter.raw, o, (uint)outp.Length, &n));
            }
            Array.Resize(ref outp, (int)Math.Min(n, (uint)outp.Length));
            return outp;
        }

        /// <summary>A random point within radius of center, on polygons reachable from start.</summary>
        public ulong FindRandomPointAroundCircle(ulong start, TessVec3 center, float radius, QueryFilter filter, Rng rng, out TessVec3 point)
        {
            ulong poly;
            TessVec3 p;
            fixed (TessRng* s = &rng.state)
            {
                Status.Check(NativeMethods.tess_navmesh_query_find_random_point_around_circle(Q, start, center, radius, &filter.raw, s, &poly, &p));
            }
            point = p;
            return poly;
        }

        public PolyPath FindPath(ulong start, ulong end, TessVec3 startPos, TessVec3 endPos, QueryFilter filter)
        {
            uint n;
            uint st;
            fixed (ulong* o = path)
            {
                st = Status.Check(NativeMethods.tess_navmesh_query_find_path(Q, start, end, startPos, endPos, &filter.raw, o, (uint)path.Length, &n));
            }
            var result = new ulong[Math.Min(n, (uint)path.Length)];
            Array.Copy(path, result, result.Length);
            return new PolyPath { Polys = result, Status = st };
        }

        public TessStraightPoint[] FindStraightPath(TessVec3 startPos, TessVec3 endPos, ulong[] polys, uint options)
        {
            var outp = new TessStraightPoint[2 * polys.Length + 4];
            uint n;
            fixed (ulong* p = polys)
            fixed (TessStraightPoint* o = outp)
            {
                Status.Check(NativeMethods.tess_navmesh_query_find_straight_path(Q, startPos, endPos, p, (uint)polys.Length, options, o, (uint)outp.Length, &n));
            }
            Array.Resize(ref outp, (int)n);
            return outp;
        }

        /// <summary>Exact any-angle shortest path (Polyanya); empty when unreachable.</summary>
        public TessVec3[] FindOptimalPath(ulong start, ulong end, TessVec3 startPos, TessVec3 endPos, QueryFilter filter, out float length)
        {
            var outp = new TessVec3[path.Length + 2];
            uint n;
            float len;
            fixed (TessVec3* o = outp)
            {
                Status.Check(NativeMethods.tess_navmesh_query_find_optimal_path(Q, start, end, startPos, endPos, &filter.raw, &len, o, (uint)outp.Length, &n));
            }
            Array.Resize(ref outp, (int)Math.Min(n, (uint)outp.Length));
            length = len;
            return outp;
        }

        public TessRaycastHit Raycast(ulong start, TessVec3 from, TessVec3 to, QueryFilter filter)
        {
            TessRaycastHit hit;
            uint n;
            Status.Check(NativeMethods.tess_navmesh_query_raycast(Q, start, from, to, &filter.raw, &hit, null, 0, &n));
            return hit;
        }

        public TessVec3 MoveAlongSurface(ulong start, TessVec3 from, TessVec3 to, QueryFilter filter)
        {
            TessVec3 pos;
            uint n;
            Status.Check(NativeMethods.tess_navmesh_query_move_along_surface(Q, start, from, to, &filter.raw, &pos, null, 0, &n));
            return pos;
        }

        public float DistanceToWall(ulong start, TessVec3 center, float maxRadius, QueryFilter filter)
        {
            float d;
            Status.Check(NativeMethods.tess_navmesh_query_find_distance_to_wall(Q, start, center, maxRadius, &filter.raw, &d, null, null));
            return d;
        }

        public ulong FindRandomPoint(QueryFilter filter, Rng rng, out TessVec3 point)
        {
            ulong poly;
            TessVec3 p;
            fixed (TessRng* s = &rng.state)
            {
                Status.Check(NativeMethods.tess_navmesh_query_find_random_point(Q, &filter.raw, s, &poly, &p));
            }
            point = p;
            return poly;
        }

        /// <summary>Sliced search: returns IN_PROGRESS or SUCCESS.</summary>
        public uint InitSliced(ulong start, ulong end, TessVec3 startPos, TessVec3 endPos, QueryFilter filter)
        {
            return Status.Check(NativeMethods.tess_navmesh_query_init_sliced_find_path(Q, start, end, startPos, endPos, &filter.raw));
        }

        public uint UpdateSliced(uint maxIterations)
        {
            return Status.Check(NativeMethods.tess_navmesh_query_update_sliced_find_path(Q, maxIterations, null));
        }

        public PolyPath FinalizeSliced()
        {
            uint n;
            uint st;
            fixed (ulong* o = path)
            {
                st = Status.Check(NativeMethods.tess_navmesh_query_finalize_sliced_find_path(Q, o, (uint)path.Length, &n));
            }
            var result = new ulong[Math.Min(n, (uint)path.Length)];
            Array.Copy(path, result, result.Length);
            return new PolyPath { Polys = result, Status = st };
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_navmesh_query_free((TessNavMeshQuery*)handle);
            return true;
        }
    }
}
