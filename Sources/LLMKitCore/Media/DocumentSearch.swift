/// A search over documents a provider stores for you (LightOn Paradigm's `POST /api/v3/search`):
/// ranked passages with their provenance, no generation.
public struct DocumentSearchRequest: Sendable, Hashable, Codable {
    /// Text or page-image retrieval.
    public enum Mode: String, Sendable, Hashable, Codable { case text, vision }
    /// How the provider scores relevance after retrieval.
    public enum RelevanceScoring: String, Sendable, Hashable, Codable {
        case none
        case scoringOnly = "scoring_only"
        case scoringAndFiltering = "scoring_and_filtering"
    }

    /// The provider id, e.g. `lighton`.
    public var provider: String
    public var query: String
    /// Limit to these workspaces (not together with `fileIDs`).
    public var workspaceIDs: [Int]?
    /// Limit to documents with any of these tags (not together with `fileIDs`).
    public var tagIDs: [Int]?
    /// Limit to these files.
    public var fileIDs: [Int]?
    /// Content-type paths, e.g. `legal:contract` or `finance:*`.
    public var contentTypes: [String]?
    /// Attribute filters, e.g. `fiscal_year:2024|2025`.
    public var attributes: [String]?
    /// 1 to 100; the provider's default (10) when nil.
    public var maxResults: Int?
    public var mode: Mode?
    /// nil leaves the provider's default (scoring and filtering).
    public var relevanceScoring: RelevanceScoring?
    /// Return the page image of each passage (base64).
    public var includeImage: Bool?
    /// Return the passages' rectangles on their PDF pages.
    public var includeBoundingBoxes: Bool?

    public init(
        provider: String = "lighton", query: String, workspaceIDs: [Int]? = nil, tagIDs: [Int]? = nil,
        fileIDs: [Int]? = nil, contentTypes: [String]? = nil, attributes: [String]? = nil, maxResults: Int? = nil,
        mode: Mode? = nil, relevanceScoring: RelevanceScoring? = nil, includeImage: Bool? = nil,
        includeBoundingBoxes: Bool? = nil
    ) {
        self.provider = provider
        self.query = query
        self.workspaceIDs = workspaceIDs
        self.tagIDs = tagIDs
        self.fileIDs = fileIDs
        self.contentTypes = contentTypes
        self.attributes = attributes
        self.maxResults = maxResults
        self.mode = mode
        self.relevanceScoring = relevanceScoring
        self.includeImage = includeImage
        self.includeBoundingBoxes = includeBoundingBoxes
    }
}

/// Passages by descending score.
public struct DocumentSearchResponse: Sendable, Hashable, Codable {
    public var provider: String
    public var results: [DocumentPassage]
    /// Signals that degraded (the results still came back), e.g. `relevance: timeout`.
    public var warnings: [String]

    public init(provider: String, results: [DocumentPassage], warnings: [String] = []) {
        self.provider = provider
        self.results = results
        self.warnings = warnings
    }
}

/// One retrieved passage.
public struct DocumentPassage: Sendable, Hashable, Codable {
    /// The per-signal scores; nil where a signal did not run or does not apply.
    public struct Scores: Sendable, Hashable, Codable {
        public var text: Double?
        public var vision: Double?
        public var keyword: Double?
        public var multivector: Double?
        /// 0-1, when relevance scoring ran.
        public var relevance: Double?
        /// Older API versions: the retrieval and reranking scores.
        public var retrieval: Double?
        public var reranking: Double?

        public init(
            text: Double? = nil, vision: Double? = nil, keyword: Double? = nil, multivector: Double? = nil,
            relevance: Double? = nil, retrieval: Double? = nil, reranking: Double? = nil
        ) {
            self.text = text
            self.vision = vision
            self.keyword = keyword
            self.multivector = multivector
            self.relevance = relevance
            self.retrieval = retrieval
            self.reranking = reranking
        }
    }

    public struct Source: Sendable, Hashable, Codable {
        public var fileID: Int
        public var filename: String
        public var title: String?
        /// As the provider names it (`pdf`, `docx`, or a MIME type).
        public var fileType: String?
        public var sizeBytes: Int?
        /// 1-based.
        public var pageStart: Int?
        public var pageEnd: Int?
        public var totalPages: Int?
        public var tags: [String]
        /// For documents imported by a connector.
        public var externalID: String?
        public var externalURL: String?

        public init(
            fileID: Int, filename: String, title: String? = nil, fileType: String? = nil, sizeBytes: Int? = nil,
            pageStart: Int? = nil, pageEnd: Int? = nil, totalPages: Int? = nil, tags: [String] = [],
            externalID: String? = nil, externalURL: String? = nil
        ) {
            self.fileID = fileID
            self.filename = filename
            self.title = title
            self.fileType = fileType
            self.sizeBytes = sizeBytes
            self.pageStart = pageStart
            self.pageEnd = pageEnd
            self.totalPages = totalPages
            self.tags = tags
            self.externalID = externalID
            self.externalURL = externalURL
        }
    }

    /// A rectangle on a PDF page, in points from the top-left corner.
    public struct BoundingBox: Sendable, Hashable, Codable {
        public var page: Int
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double

        public init(page: Int, x: Double, y: Double, width: Double, height: Double) {
            self.page = page
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    public var id: String
    /// nil for page-image (vision) passages.
    public var content: String?
    /// The sort key: relevance (0-1) when scoring ran, else the combined retrieval score (older API
    /// versions: reranking, else retrieval).
    public var score: Double?
    public var scores: Scores
    public var source: Source
    public var workspaceID: Int?
    public var workspaceName: String?
    /// Base64 page image, when asked for ("" when the page has no image index).
    public var imageBase64: String?
    public var boundingBoxes: [BoundingBox]?

    public init(
        id: String, content: String?, score: Double?, scores: Scores, source: Source, workspaceID: Int? = nil,
        workspaceName: String? = nil, imageBase64: String? = nil, boundingBoxes: [BoundingBox]? = nil
    ) {
        self.id = id
        self.content = content
        self.score = score
        self.scores = scores
        self.source = source
        self.workspaceID = workspaceID
        self.workspaceName = workspaceName
        self.imageBase64 = imageBase64
        self.boundingBoxes = boundingBoxes
    }
}
