// tessera C#: grid maps, grid path queries (A*, JPS, block-based JPS), directed graphs.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Tessera
{
    /// <summary>Grid search algorithm.</summary>
    public enum GridAlgorithm : uint
    {
        AStar = NativeMethods.TESS_GRID_ALGO_ASTAR,
        Jps = NativeMethods.TESS_GRID_ALGO_JPS,
        JpsBlock = NativeMethods.TESS_GRID_ALGO_JPS_BLOCK,
    }

    /// <summary>Allowed steps: 8-connected without corner cutting, or 4-connected.</summary>
    public enum GridMoves : uint
    {
        Octile = NativeMethods.TESS_GRID_MOVES_OCTILE,
        Cardinal = NativeMethods.TESS_GRID_MOVES_CARDINAL,
    }

    /// <summary>Path output: turning points only, or every cell.</summary>
    public enum GridPathStyle : uint
    {
        TurningPoints = NativeMethods.TESS_GRID_PATH_TURNING_POINTS,
        EveryCell = NativeMethods.TESS_GRID_PATH_EVERY_CELL,
    }

    /// <summary>Graph A* heuristic on node coordinates.</summary>
    public enum GraphHeuristic : uint
    {
        Zero = NativeMethods.TESS_GRAPH_HEURISTIC_ZERO,
        Euclidean = NativeMethods.TESS_GRAPH_HEURISTIC_EUCLIDEAN,
        Manhattan = NativeMethods.TESS_GRAPH_HEURISTIC_MANHATTAN,
        Chebyshev = NativeMethods.TESS_GRAPH_HEURISTIC_CHEBYSHEV,
    }

    /// <summary>Immutable occupancy grid; share it between threads. Dispose releases this reference.</summary>
    public sealed unsafe class GridMap : TessHandle
    {
        private GridMap(TessGridMap* raw)
        {
            SetHandle((IntPtr)raw);
        }

        /// <summary>Parses Moving AI .map text; throws TesseraException (PARSE_ERROR) when malformed.</summary>
        public static GridMap Parse(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            TessGridMap* raw;
            fixed (byte* b = bytes)
            {
                Status.Check(NativeMethods.tess_grid_map_parse(b, (uint)bytes.Length, &raw));
            }
            return new GridMap(raw);
        }

        /// <summary>Reads a Moving AI .map file.</summary>
        public static GridMap Load(string path)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
            TessGridMap* raw;
            fixed (byte* b = bytes)
            {
                Status.Check(NativeMethods.tess_grid_map_load(b, &raw));
            }
            return new GridMap(raw);
        }

        /// <summary>Row-major cells: 0 passable, anything else blocked.</summary>
        public static GridMap FromBytes(byte[] cells, uint width, uint height)
        {
            TessGridMap* raw;
            fixed (byte* c = cells)
            {
                if ((ulong)cells.Length != (ulong)width * height)
                    throw new ArgumentException("cells.Length must be width * height");
                Status.Check(NativeMethods.tess_grid_map_from_bytes(c, width, height, &raw));
            }
            return new GridMap(raw);
        }

        internal TessGridMap* Ptr { get { return (TessGridMap*)Raw; } }

        public uint Width { get { uint w, h; Status.Check(NativeMethods.tess_grid_map_size(Ptr, &w, &h)); return w; } }

        public uint Height { get { uint w, h; Status.Check(NativeMethods.tess_grid_map_size(Ptr, &w, &h)); return h; } }

        public bool IsPassable(uint x, uint y)
        {
            byte v;
            Status.Check(NativeMethods.tess_grid_map_is_passable(Ptr, x, y, &v));
            return v != 0;
        }

        /// <summary>Region id, or TESS_GRID_NO_REGION for a blocked or outside cell.</summary>
        public uint Region(uint x, uint y)
        {
            uint r;
            Status.Check(NativeMethods.tess_grid_map_region(Ptr, x, y, &r));
            return r;
        }

        public uint RegionCount { get { uint n; Status.Check(NativeMethods.tess_grid_map_region_count(Ptr, &n)); return n; } }

        /// <summary>SVG picture of the map with a path and the expanded cells.</summary>
        public string Svg(TessGridCell[] path, TessGridCell[] expanded)
        {
            path = path ?? new TessGridCell[0];
            expanded = expanded ?? new TessGridCell[0];
            uint n;
            fixed (TessGridCell* p = path)
            fixed (TessGridCell* e = expanded)
            {
                Status.Check(NativeMethods.tess_grid_render_svg(Ptr, p, (uint)path.Length, e, (uint)expanded.Length, null, 0, &n));
                byte[] buf = new byte[n];
                fixed (byte* b = buf)
                {
                    Status.Check(NativeMethods.tess_grid_render_svg(Ptr, p, (uint)path.Length, e, (uint)expanded.Length, b, n, &n));
                }
                return Encoding.UTF8.GetString(buf);
            }
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_grid_map_free((TessGridMap*)handle);
            return true;
        }
    }

    /// <summary>Result of a grid search; Found is false when the goal is unreachable.</summary>
    public struct GridPath
    {
        public bool Found;
        public double Length;
        public TessGridCell[] Cells;
    }

    /// <summary>Per-thread grid query with preallocated scratch; use one per thread.</summary>
    public sealed unsafe class GridQuery : TessHandle
    {
        private TessGridCell[] buffer = new TessGridCell[256];

        public GridQuery(GridMap map)
        {
            TessGridQuery* raw;
            Status.Check(NativeMethods.tess_grid_query_new(map.Ptr, &raw));
            SetHandle((IntPtr)raw);
        }

        public GridPath FindPath(TessGridCell start, TessGridCell goal, GridAlgorithm algorithm = GridAlgorithm.JpsBlock,
                                 GridMoves moves = GridMoves.Octile, GridPathStyle style = GridPathStyle.TurningPoints,
                                 bool recordExpanded = false)
        {
            var o = new TessGridSearchOptions();
            o.algorithm = (uint)algorithm;
            o.moves = (uint)moves;
            o.path_style = (uint)style;
            o.record_expanded = (byte)(recordExpanded ? 1 : 0);
            var result = new GridPath();
            uint n;
            double length;
            uint s;
            fixed (TessGridCell* b = buffer)
            {
                s = Status.Check(NativeMethods.tess_grid_query_find_path((TessGridQuery*)Raw, start, goal, &o, &length, b, (uint)buffer.Length, &n));
            }
            if ((s & NativeMethods.TESS_BUFFER_TOO_SMALL) != 0)
            {
                buffer = new TessGridCell[n];
                fixed (TessGridCell* b = buffer)
                {
                    s = Status.Check(NativeMethods.tess_grid_query_find_path((TessGridQuery*)Raw, start, goal, &o, &length, b, n, &n));
                }
            }
            result.Found = (s & NativeMethods.TESS_NO_PATH) == 0;
            result.Length = length;
            result.Cells = new TessGridCell[n];
            Array.Copy(buffer, result.Cells, (int)n);
            return result;
        }

        /// <summary>Cells expanded by the last search that recorded them.</summary>
        public TessGridCell[] Expanded()
        {
            uint n;
            Status.Check(NativeMethods.tess_grid_query_expanded((TessGridQuery*)Raw, null, 0, &n));
            var cells = new TessGridCell[n];
            fixed (TessGridCell* c = cells)
            {
                Status.Check(NativeMethods.tess_grid_query_expanded((TessGridQuery*)Raw, c, n, &n));
            }
            return cells;
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_grid_query_free((TessGridQuery*)handle);
            return true;
        }
    }

    /// <summary>Immutable directed graph (CSR) with its strongly connected components; share it between threads.</summary>
    public sealed unsafe class Graph : TessHandle
    {
        /// <summary>offsets has nodeCount + 1 entries; weights and coords may be null.</summary>
        public Graph(uint[] offsets, uint[] targets, double[] weights, TessVec3[] coords)
        {
            TessGraph* raw;
            uint nodes = offsets.Length == 0 ? 0u : (uint)(offsets.Length - 1);
            fixed (uint* o = offsets)
            fixed (uint* t = targets)
            fixed (double* w = weights)
            fixed (TessVec3* c = coords)
            {
                Status.Check(NativeMethods.tess_graph_new(o, nodes, t, (uint)targets.Length, w, c, &raw));
            }
            SetHandle((IntPtr)raw);
        }

        internal TessGraph* Ptr { get { return (TessGraph*)Raw; } }

        public uint NodeCount { get { uint n, c; Status.Check(NativeMethods.tess_graph_counts(Ptr, &n, &c)); return n; } }

        public uint SccCount { get { uint n, c; Status.Check(NativeMethods.tess_graph_counts(Ptr, &n, &c)); return c; } }

        /// <summary>Component id per node; edges between components go from higher to lower ids.</summary>
        public uint[] SccIds()
        {
            var ids = new uint[NodeCount];
            uint n;
            fixed (uint* o = ids)
            {
                Status.Check(NativeMethods.tess_graph_scc_ids(Ptr, o, (uint)ids.Length, &n));
            }
            return ids;
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_graph_free((TessGraph*)handle);
            return true;
        }
    }

    /// <summary>Result of a graph search.</summary>
    public struct GraphPath
    {
        public bool Found;
        public double Cost;
        public uint[] Nodes;
    }

    /// <summary>Per-thread graph query; use one per thread.</summary>
    public sealed unsafe class GraphQuery : TessHandle
    {
        private readonly uint[] buffer;

        public GraphQuery(Graph graph)
        {
            TessGraphQuery* raw;
            Status.Check(NativeMethods.tess_graph_query_new(graph.Ptr, &raw));
            SetHandle((IntPtr)raw);
            buffer = new uint[graph.NodeCount];
        }

        private GraphPath Finish(uint status, double cost, uint n)
        {
            var r = new GraphPath();
            r.Found = (status & NativeMethods.TESS_NO_PATH) == 0;
            r.Cost = cost;
            r.Nodes = new uint[n];
            Array.Copy(buffer, r.Nodes, (int)n);
            return r;
        }

        public GraphPath Bfs(uint source, uint goal)
        {
            double cost;
            uint n;
            uint s;
            fixed (uint* b = buffer)
            {
                s = Status.Check(NativeMethods.tess_graph_query_bfs((TessGraphQuery*)Raw, source, goal, &cost, b, (uint)buffer.Length, &n));
            }
            return Finish(s, cost, n);
        }

        public GraphPath Dijkstra(uint source, uint goal)
        {
            double cost;
            uint n;
            uint s;
            fixed (uint* b = buffer)
            {
                s = Status.Check(NativeMethods.tess_graph_query_dijkstra((TessGraphQuery*)Raw, source, goal, &cost, b, (uint)buffer.Length, &n));
            }
            return Finish(s, cost, n);
        }

        public GraphPath AStar(uint source, uint goal, GraphHeuristic heuristic, double weight)
        {
            double cost;
            uint n;
            uint s;
            fixed (uint* b = buffer)
            {
                s = Status.Check(NativeMethods.tess_graph_query_astar((TessGraphQuery*)Raw, source, goal, (uint)heuristic, weight, &cost, b, (uint)buffer.Length, &n));
            }
            return Finish(s, cost, n);
        }

        public bool Reachable(uint from, uint to)
        {
            byte r;
            Status.Check(NativeMethods.tess_graph_query_reachable((TessGraphQuery*)Raw, from, to, &r));
            return r != 0;
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_graph_query_free((TessGraphQuery*)handle);
            return true;
        }
    }
}
