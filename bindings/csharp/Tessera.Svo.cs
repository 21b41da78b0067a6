// tessera C#: sparse voxel octree build, save/load and 3D path queries.
using System;
using System.Text;

namespace Tessera
{
    /// <summary>Distance estimate of SvoQuery.FindPath.</summary>
    public enum SvoHeuristic : byte
    {
        /// <summary>3D octile distance (default): fastest, paths slightly longer.</summary>
        Octile = (byte)NativeMethods.TESS_SVO_HEURISTIC_OCTILE,
        /// <summary>Straight-line distance: slower, paths slightly shorter.</summary>
        Euclidean = (byte)NativeMethods.TESS_SVO_HEURISTIC_EUCLIDEAN,
    }

    /// <summary>Result of SvoQuery.FindPath: points (start first, goal last), info and status.</summary>
    public struct SvoPath
    {
        public TessVec3[] Points;
        public TessSvoPathInfo Info;
        public uint Status;
    }

    /// <summary>A built, immutable sparse voxel octree; share it between threads, give each thread its own SvoQuery.</summary>
    public sealed unsafe class Svo : TessHandle
    {
        private Svo(TessSvo* raw)
        {
            SetHandle((IntPtr)raw);
        }

        /// <summary>Builds from Moving AI .3dmap text (voxel size 1 at the origin).</summary>
        public static Svo From3dMap(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            TessSvo* raw;
            fixed (byte* b = bytes) Status.Check(NativeMethods.tess_svo_build_3dmap(b, (uint)bytes.Length, &raw));
            return new Svo(raw);
        }

        /// <summary>Builds by asking blocked(min, max) about world boxes, coarse boxes first.</summary>
        public static Svo FromCallback(TessSvoBuildParams p, Func<TessVec3, TessVec3, bool> blocked)
        {
            NativeMethods.tess_svo_build_callback_blocked_delegate thunk = (user, lo, hi) => (byte)(blocked(*lo, *hi) ? 1 : 0);
            TessSvo* raw;
            uint status = NativeMethods.tess_svo_build_callback(&p, thunk, null, &raw);
            GC.KeepAlive(thunk);
            Status.Check(status);
            return new Svo(raw);
        }

        /// <summary>Voxelises triangles (3 indices each) by exact triangle/box overlap.</summary>
        public static Svo FromMesh(TessVec3[] vertices, uint[] indices, TessSvoBuildParams p)
        {
            TessSvo* raw;
            fixed (TessVec3* v = vertices)
            fixed (uint* i = indices)
            {
                Status.Check(NativeMethods.tess_svo_build_mesh(v, (uint)vertices.Length, i, (uint)indices.Length, &p, &raw));
            }
            return new Svo(raw);
        }

        /// <summary>Reads a blob written by Save (throws on CORRUPT_DATA / VERSION_MISMATCH).</summary>
        public static Svo Load(byte[] blob)
        {
            TessSvo* raw;
            fixed (byte* b = blob) Status.Check(NativeMethods.tess_svo_load(b, (uint)blob.Length, &raw));
            return new Svo(raw);
        }

        public byte[] Save()
        {
            uint n;
            Status.Check(NativeMethods.tess_svo_save((TessSvo*)Raw, null, 0, &n));
            byte[] blob = new byte[n];
            fixed (byte* b = blob) Status.Check(NativeMethods.tess_svo_save((TessSvo*)Raw, b, n, &n));
            return blob;
        }

        public TessSvoInfo Info
        {
            get
            {
                TessSvoInfo info;
                Status.Check(NativeMethods.tess_svo_info((TessSvo*)Raw, &info));
                return info;
            }
        }

        public bool IsBlocked(TessVec3 p)
        {
            byte b;
            Status.Check(NativeMethods.tess_svo_is_blocked((TessSvo*)Raw, p, &b));
            return b != 0;
        }

        /// <summary>True when the segment touches a blocked voxel; t is the hit fraction (1 when clear).</summary>
        public bool Raycast(TessVec3 from, TessVec3 to, out float t)
        {
            byte hit;
            float tt;
            Status.Check(NativeMethods.tess_svo_raycast((TessSvo*)Raw, from, to, &hit, &tt));
            t = tt;
            return hit != 0;
        }

        /// <summary>SVG picture seen from above, with an optional path.</summary>
        public string Svg(TessVec3[] path)
        {
            uint n;
            fixed (TessVec3* p = path)
            {
                Status.Check(NativeMethods.tess_svo_write_svg((TessSvo*)Raw, p, (uint)path.Length, null, 0, &n));
                byte[] text = new byte[n];
                fixed (byte* t = text) Status.Check(NativeMethods.tess_svo_write_svg((TessSvo*)Raw, p, (uint)path.Length, t, n, &n));
                return Encoding.UTF8.GetString(text);
            }
        }

        internal TessSvo* Ptr
        {
            get { return (TessSvo*)Raw; }
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_svo_free((TessSvo*)handle);
            return true;
        }
    }

    /// <summary>Per-thread path query over one octree; scratch is allocated once. One thread at a time.</summary>
    public sealed unsafe class SvoQuery : TessHandle
    {
        private TessVec3[] buffer = new TessVec3[256];

        public SvoQuery(Svo svo, uint maxNodes)
        {
            TessSvoQuery* raw;
            Status.Check(NativeMethods.tess_svo_query_new(svo.Ptr, maxNodes, &raw));
            SetHandle((IntPtr)raw);
        }

        /// <summary>The default path options (weight 1.1, octile heuristic, no layer penalty, smoothing) with the given heuristic.</summary>
        public static TessSvoPathOptions DefaultOptions(SvoHeuristic heuristic = SvoHeuristic.Octile)
        {
            TessSvoPathOptions o;
            Status.Check(NativeMethods.tess_svo_path_options_default(&o));
            o.heuristic = (byte)heuristic;
            return o;
        }

        /// <summary>Throws for bad points; an unreachable goal gives Status SUCCESS|NO_PATH and no points.</summary>
        public SvoPath FindPath(TessVec3 start, TessVec3 goal)
        {
            return Find(start, goal, null);
        }

        /// <summary>As FindPath(start, goal), with options (see DefaultOptions); throws for bad options.</summary>
        public SvoPath FindPath(TessVec3 start, TessVec3 goal, TessSvoPathOptions options)
        {
            return Find(start, goal, &options);
        }

        private SvoPath Find(TessVec3 start, TessVec3 goal, TessSvoPathOptions* options)
        {
            SvoPath path = new SvoPath();
            uint n;
            TessSvoPathInfo info;
            fixed (TessVec3* b = buffer)
            {
                path.Status = Status.Check(NativeMethods.tess_svo_query_find_path((TessSvoQuery*)Raw, start, goal, options, &info, b, (uint)buffer.Length, &n));
            }
            if (n > buffer.Length)
            {
                buffer = new TessVec3[n];
                fixed (TessVec3* b = buffer)
                {
                    path.Status = Status.Check(NativeMethods.tess_svo_query_find_path((TessSvoQuery*)Raw, start, goal, options, &info, b, n, &n));
                }
            }
            path.Info = info;
            path.Points = new TessVec3[n];
            Array.Copy(buffer, path.Points, (int)n);
            return path;
        }

        public TessVec3 NearestFree(TessVec3 p, float maxDistance)
        {
            TessVec3 o;
            Status.Check(NativeMethods.tess_svo_query_nearest_free((TessSvoQuery*)Raw, p, maxDistance, &o));
            return o;
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_svo_query_free((TessSvoQuery*)handle);
            return true;
        }
    }
}
