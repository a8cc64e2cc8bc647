"""The markdown importer, checked against expectations written out by hand from the seed lists.

The tables below were typed from the seed text (not produced by the importer): for every item,
its URL, title, section, and the authors, venue, year and description the source gives.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.changes.importing import import_into
from mlsd_cli.formats.byline import escape_inline
from mlsd_cli.formats.byline import format_byline
from mlsd_cli.formats.item_tail import as_title
from mlsd_cli.formats.markdown_reader import ParsedList
from mlsd_cli.formats.markdown_reader import ParsedResource
from mlsd_cli.formats.markdown_reader import parse_markdown

from .conftest import BOOK_SEED
from .conftest import SCALE_SEED
from .conftest import seed_path

LISTS = Path(__file__).parent / "data" / "lists"


class Item(NamedTuple):
    url: str | None
    title: str
    section: str
    authors: list[str] = []  # noqa: RUF012 (a NamedTuple default, never mutated)
    venue: str | None = None
    year: int | None = None
    #: The whole description, or fragments it must contain (in order), or "" for none.
    description: str | tuple[str, ...] = ""
    org: str | None = None


CH1 = "Chapter 1. Overview of Machine Learning Systems"
CH2 = "Chapter 2. Introduction to Machine Learning Systems Design"
CH3 = "Chapter 3. Data Engineering Fundamentals"
STREAM = "Streaming systems"
CH4 = "Chapter 4. Training Data"
CH5 = "Chapter 5. Feature Engineering"
CH6 = "Chapter 6. Model Development and Offline Evaluation"
TRAIN = "Training, debugging, and testing ML code"
EVAL = "Model evaluation"
CH7 = "Chapter 7. Model Deployment and Prediction Service"
CH8 = "Chapter 8. Data Distribution Shifts and Monitoring"
CH9 = "Chapter 9. Continual Learning and Test in Production"
BANDITS = "Contextual bandits"
CH10 = "Chapter 10. Infrastructure and Tooling for MLOps"
CH11 = "Chapter 11. The Human Side of Machine Learning"

BOOK: list[Item] = [
    Item(
        "https://medium.com/airbnb-engineering/using-machine-learning-to-predict-value-of-homes-on-airbnb-9272d3d4739d",
        "Using Machine Learning to Predict Value of Homes On Airbnb",
        CH1,
        ["Robert Chang"],
        "Airbnb Engineering & Data Science",
        2017,
        (
            "In this detailed and well-written blog post, Chang described how Airbnb used machine learning",
            "It's completed with lessons learned, tools used, and code snippets too.",
        ),
    ),
    Item(
        "https://medium.com/netflix-techblog/using-machine-learning-to-improve-streaming-quality-at-netflix-9651263ef09f",
        "Using Machine Learning to Improve Streaming Quality at Netflix",
        CH1,
        ["Chaitanya Ekanadham"],
        "Netflix Technology Blog",
        2018,
        (
            "As of 2018, Netflix streams to over 117M members worldwide",
            "allocate resources for predictive caching.",
        ),
    ),
    Item(
        "https://blog.kevinhu.me/2021/04/25/25-Paper-Reading-Booking.com-Experiences/bernardi2019.pdf",
        "150 Successful Machine Learning Models: 6 Lessons Learned at Booking.com",
        CH1,
        ["Bernardi et al."],
        "KDD",
        2019,
        (
            "As of 2019, Booking.com has around 150 machine learning models in production.",
            "Adrian Colyer gave a good summary of the six lessons learned "
            "[here](https://blog.acolyer.org/2019/10/07/150-successful-machine-learning-models/):",
            "1. Machine learned models deliver strong business value.",
            "2. Model performance is not the same as business performance.",
            "3. Be clear about the problem you’re trying to solve.",
            "4. Prediction serving latency matters.",
            "5. Get early feedback on model quality.",
            "6. Test the business impact of your models using randomized controlled trials.",
        ),
    ),
    Item(
        "https://medium.com/hackernoon/how-we-grew-from-0-to-4-million-women-on-our-fashion-app-with-a-vertical-machine-learning-approach-f8b7fc0a89d7",
        "How we grew from 0 to 4 million women on our fashion app, with a vertical machine learning approach",
        CH1,
        ["Gabriel Aldamiz"],
        "HackerNoon",
        2018,
        ("To offer automated outfit advice, Chicisimo", "user retention."),
    ),
    Item(
        "https://medium.com/airbnb-engineering/machine-learning-powered-search-ranking-of-airbnb-experiences-110b4b1a0789",
        "Machine Learning-Powered Search Ranking of Airbnb Experiences",
        CH1,
        ["Mihajlo Grbovic"],
        "Airbnb Engineering & Data Science",
        2019,
        ("This article walks you step by step", "rank results differently for different users."),
    ),
    Item(
        "https://eng.lyft.com/from-shallow-to-deep-learning-in-fraud-9dafcbcef743",
        "From shallow to deep learning in fraud",
        CH1,
        ["Hao Yi Ong"],
        "Lyft Engineering",
        2018,
        ("Fraud detection is one of the earliest use cases", "performance and ease of deployment."),
    ),
    Item(
        "https://tech.instacart.com/space-time-and-groceries-a315925acf3a",
        "Space, Time and Groceries",
        CH1,
        ["Jeremy Stanley"],
        "Tech at Instacart",
        2017,
        (
            "Instacart uses machine learning to solve the task of path optimization",
            "beautiful visualization.",
        ),
    ),
    Item(
        "https://blogs.dropbox.com/tech/2017/04/creating-a-modern-ocr-pipeline-using-computer-vision-and-deep-learning/",
        "Creating a Modern OCR Pipeline Using Computer Vision and Deep Learning",
        CH1,
        ["Brad Neuberg"],
        "Dropbox Engineering",
        2017,
        (
            "An application as simple as a document scanner",
            "building their own data annotation platform.",
        ),
    ),
    Item(
        "https://hackernoon.com/spotifys-discover-weekly-how-machine-learning-finds-your-new-music-19a41ab76efe",
        "Spotify’s Discover Weekly: How machine learning finds your new music",
        CH1,
        ["Sophia Ciocca"],
        None,
        2017,
        (
            "To create Discover Weekly, there are three main types of recommendation models that Spotify employs:",
            "* **Collaborative Filtering **models (i.e. the ones that Last.fm originally used)",
            "* **Natural Language Processing** (NLP) models, which work by analyzing text.",
            "* **Audio** models, which work by analyzing the raw audio tracks themselves.",
        ),
    ),
    Item(
        "https://ai.googleblog.com/2018/05/smart-compose-using-neural-networks-to.html",
        "Smart Compose: Using Neural Networks to Help Write Emails",
        CH1,
        ["Yonghui Wu"],
        "Google AI Blog",
        2018,
        "“_Since Smart Compose provides predictions on a per-keystroke basis, it must respond ideally "
        "within **100ms** for the user not to notice any delays. Balancing model complexity and "
        "inference speed was a critical issue_.”",
    ),
    Item(
        "https://developers.google.com/machine-learning/guides/rules-of-ml",
        "Rules of Machine Learning",
        CH2,
        ["Martin Zinkevich"],
    ),
    Item(
        "https://medium.com/infinity-aka-aseem/things-we-wish-we-had-known-before-we-started-our-first-machine-learning-project-336d1d6f2184",
        "Things I wish we had known before we started our first Machine Learning project",
        CH2,
        ["Aseem Bansal"],
        "towards-infinity",
        2018,
    ),
    Item(
        "https://eugeneyan.com/writing/project-quick-start/",
        "Data Science Project Quick-Start",
        CH2,
        ["Eugene Yan"],
        None,
        2022,
    ),
    Item(
        "https://github.com/chiphuyen/machine-learning-systems-design",
        "https://github.com/chiphuyen/machine-learning-systems-design",
        CH2,
        description="A much earlier, much less organized version of this book.",
    ),
    Item(
        "https://twolodzko.github.io/ml-checklist",
        "Deploying Machine Learning Models: A Checklist",
        CH2,
        description="a short checklist for ML systems design",
    ),
    Item(
        "https://medium.com/@rchang/a-beginners-guide-to-data-engineering-part-i-4227c5c457d7",
        "A Beginner’s Guide to Data Engineering",
        CH3,
        ["Robert Chang"],
        None,
        2018,
    ),
    Item(
        "https://learning.oreilly.com/library/view/designing-data-intensive-applications/9781491903063/",
        "Designing Data-Intensive Applications",
        CH3,
        ["Martin Kleppmann"],
        "O’Reilly",
        2017,
    ),
    Item(
        "https://future.a16z.com/emerging-architectures-modern-data-infrastructure/",
        "Emerging Architectures for Modern Data Infrastructure",
        CH3,
        ["Bornstein et al"],
        "a16z",
        2022,
    ),
    Item(
        "https://medium.com/memory-leak/reverse-etl-a-primer-4e6694dcc7fb",
        "Reverse ETL — A Primer",
        CH3,
        ["Astasia Myers"],
        None,
        2021,
    ),
    Item(
        "https://eng.uber.com/uber-big-data-platform/",
        "Uber’s Big Data Platform: 100+ Petabytes with Minute Latency",
        CH3,
        ["Reza Shiftehfar"],
        "Uber Engineering blog",
        2018,
    ),
    Item(
        "https://doordash.engineering/2020/09/25/how-doordash-is-scaling-its-data-platform/",
        "How DoorDash is Scaling its Data Platform to Delight Customers and Meet our Growing Demand",
        CH3,
        ["Sudhir Tonse"],
        None,
        2020,
    ),
    Item(
        "https://engineering.linkedin.com/distributed-systems/log-what-every-software-engineer-should-know-about-real-time-datas-unifying",
        "The Log: What every software engineer should know about real-time data's unifying abstraction",
        STREAM,
        ["Jay Kreps"],
        "LinkedIn / Confluent",
        2013,
        "Jay mentioned in a [tweet](https://twitter.com/jaykreps/status/1408159236794765314) that "
        "when he wrote the blog to see if there was enough interest in streaming for his team to "
        "start a company around it. The blog must have been popular because his team spun out of "
        "LinkedIn to become Confluent.",
    ),
    Item(
        "https://www.youtube.com/watch?v=STKCRSUsyP0",
        "The Many Meanings of Event-Driven Architecture",
        STREAM,
        ["Martin Fowler"],
        "GOTO",
        2017,
        "Martin Fowler is a great speaker. His talk made clear many of the complexities of "
        "event-driven architecture.",
    ),
    Item(
        "https://engineering.linkedin.com/blog/2016/06/stream-processing-hard-problems-part-1-killing-lambda",
        "Stream Processing Hard Problems – Part 1: Killing Lambda",
        STREAM,
        ["Kartik Paramasivam"],
        "LinkedIn Engineering",
        2016,
    ),
    Item(
        "https://docs.google.com/presentation/d/1YtTEnOax5MDA8DazDa1ad-sP4zzM58KQK4HNAcxoONA/edit#slide=id.p",
        "Open Problems in Stream Processing: A Call To Action",
        STREAM,
        ["Tyler Akidau"],
        "DEBS",
        2019,
        "Tyler used to lead Dataflow at Google until he joined Snowflake in Jan 2020 to start "
        "Snowflake’s streaming team. His talk laid out key challenges of stream processing.",
    ),
    Item(
        "https://zhenzhongxu.com/the-four-innovation-phases-of-netflixs-trillions-scale-real-time-data-infrastructure-2370938d7f01",
        "The Four Innovation Phases of Netflix's Trillions Scale Real-time Data Infrastructure",
        STREAM,
        ["Zhenzhong Xu"],
        None,
        2022,
        "How Netflix transitioned from a batch system to a streaming system.",
    ),
    Item("https://en.wikipedia.org/wiki/Rejection_sampling", "Rejection sampling", CH4),
    Item(
        "https://escholarship.org/uc/item/9mf223rs",
        "The MIDAS Touch: Mixed Data Sampling Regression Models",
        CH4,
        ["Ghysels et al."],
        None,
        2004,
    ),
    Item(
        "https://www.snorkel.org/blog/weak-supervision",
        "An Overview of Weak Supervision",
        CH4,
        ["Ratner et al."],
        None,
        2018,
    ),
    Item(
        "https://christophm.github.io/interpretable-ml-book/",
        "Interpretable Machine Learning",
        CH5,
        ["Christoph Molnar"],
        None,
        2022,
        "An amazingly detailed introduction to interpretability",
    ),
    Item(None, "Practical Lessons from Predictiong Clicks on Ads at Facebook", CH5),
    Item(
        "https://medium.com/@keeper6928/how-to-unit-test-machine-learning-code-57cf6fd81765",
        "How to unit test machine learning code",
        TRAIN,
        ["Chase Roberts"],
        None,
        2017,
    ),
    Item(
        "http://karpathy.github.io/2019/04/25/recipe/",
        "A Recipe for Training Neural Networks",
        TRAIN,
        ["Andrej Karpathy"],
        None,
        2019,
    ),
    Item(
        "https://medium.com/ai%C2%B3-theory-practice-business/top-6-errors-novice-machine-learning-engineers-make-e82273d394db",
        "Top 6 errors novice machine learning engineers make",
        TRAIN,
        ["Christopher Dossman"],
        "AI³ | Theory, Practice, Business",
        2017,
    ),
    Item(
        "https://developers.google.com/machine-learning/testing-debugging",
        "Testing and Debugging in Machine Learning course",
        TRAIN,
        org="Google",
    ),
    Item(
        "https://twitter.com/chipro/status/1348265019012743169",
        "What did you wish you knew before deploying your first ML model?",
        TRAIN,
        description="I asked this question on Twitter and got some interesting responses",
    ),
    Item(
        "https://openai.com/blog/techniques-for-training-large-neural-networks/",
        "Techniques for Training Large Neural Networks",
        TRAIN,
        year=2022,
        org="OpenAI",
    ),
    Item(
        "https://arxiv.org/abs/1710.09282",
        "A survey of model compression and acceleration for deep neural networks",
        TRAIN,
        ["Cheng et al."],
        "IEEE Signal Processing Magazine",
        2017,
    ),
    Item(
        "https://arxiv.org/abs/1902.01046",
        "Towards Federated Learning at Scale: System Design",
        TRAIN,
        ["Bonawitz et al"],
        None,
        2019,
    ),
    Item(None, "Rules of Machine Learning: Best Practises for ML Engineering", TRAIN),
    Item(
        "https://www.jeremyjordan.me/testing-ml/",
        "Effective testing for machine learning systems",
        EVAL,
        ["Jeremy Jordan"],
        None,
        2020,
    ),
    Item(
        "https://arxiv.org/abs/1706.04599",
        "On Calibration of Modern Neural Networks",
        EVAL,
        ["Guo et al."],
        None,
        2017,
    ),
    Item(
        "https://dl.acm.org/doi/10.1145/3240323.3240372",
        "Calibration for Netflix recommendation systems",
        EVAL,
        ["Harald Steck"],
        None,
        2018,
    ),
    Item(
        "https://aclanthology.org/2020.acl-main.442/",
        "Beyond Accuracy: Behavioral Testing of NLP Models with CheckList",
        EVAL,
        ["Ribeiro et al."],
        "ACL",
        2020,
    ),
    Item(
        "https://arxiv.org/abs/1812.05271",
        "TextBugger: Generating Adversarial Text Against Real-world Applications",
        EVAL,
        ["Li et al."],
        None,
        2018,
    ),
    Item(
        "https://arxiv.org/abs/2009.14193",
        "Uncertainty Sets for Image Classifiers using Conformal Prediction",
        EVAL,
        ["Angelopoulos et al."],
        None,
        2020,
    ),
    Item(None, "Machine Learning with Flink in Weibo", CH7),
    Item(None, "Instructmentation, Observability and Monitoring of Machine Learning Models", CH7),
    Item(None, "10 Companies Killing it at DevOps", CH7),
    Item(None, "Streaming SQL to Unify Batch and Stream Processing w/ Apache Flink", CH7),
    Item(None, "How we scaled bert to serve 1+ billions daily request on cpu", CH7),
    Item(
        None,
        "Architecture of ML Systems 04 Operator Fusion and Runtime Adapation",
        CH7,
        ["Graz Univesityt Matthias Boehm"],
    ),
    Item(None, "Why Tiktok Made Its Users So Obsessive", CH8),
    Item(None, "Improving Aggregate Recommendation Diversity Using Ranking-Based Techniques", CH8),
    Item(None, "Recommendations as Treatments: Debiasing Learning and Evaluation", CH8),
    Item(
        "https://www.aaai.org/Papers/AAAI/1986/AAAI86-084.pdf",
        "Beyond Incremental Processing: Tracking Concept Drift",
        CH8,
        ["Jeffrey C. Schlimmer", "Richard H. Granger, Jr."],
        None,
        1986,
        "Concept drift isn’t something new!",
    ),
    Item(
        "https://arxiv.org/abs/1810.11953",
        "Failing Loudly: An Empirical Study of Methods for Detecting Dataset Shift",
        CH8,
        ["Rabanser et al."],
        None,
        2019,
    ),
    Item(
        "http://proceedings.mlr.press/v139/krueger21a.html",
        "Out-of-Distribution Generalization via Risk Extrapolation (REx)",
        CH8,
        ["Krueger et al."],
        None,
        2020,
    ),
    Item(
        "https://proceedings.mlr.press/v28/zhang13d.html",
        "Domain Adaptation under Target and Conditional Shift",
        CH8,
        ["Zhang et al."],
        None,
        2013,
    ),
    Item(
        "https://ieeexplore.ieee.org/abstract/document/8861136",
        "A Review of Domain Adaptation without Target Labels",
        CH8,
        ["Kouw et al."],
        None,
        2019,
    ),
    Item(
        "http://proceedings.mlr.press/v97/zhao19a.html",
        "On Learning Invariant Representations for Domain Adaptation",
        CH8,
        ["Zhao et al."],
        None,
        2019,
    ),
    Item(
        "https://eng.lyft.com/how-to-deal-with-the-seasonality-of-a-market-584cc94d6b75",
        "How to deal with the seasonality of a market?",
        CH8,
        ["Marguerite Graveleau"],
        "Lyft Engineering",
        2019,
    ),
    Item(
        "https://arxiv.org/abs/1907.02893",
        "Invariant Risk Minimization",
        CH8,
        ["Arjovsky et al."],
        None,
        2019,
    ),
    Item(
        "https://arxiv.org/abs/1911.10500",
        "Causality for Machine Learning",
        CH8,
        ["Bernhard Schölkopf"],
        None,
        2019,
    ),
    Item(
        "https://oreil.ly/AxFnJ",
        "Log and Wait",
        CH9,
        description="Releated to Stage 2, Faire has great blog post https://oreil.ly/AxFnJ",
    ),
    Item(
        "https://cloud.google.com/solutions/application-deployment-and-testing-strategies",
        "Application deployment and testing strategies",
        CH9,
        org="Google",
    ),
    Item(
        "https://cloud.google.com/architecture/mlops-continuous-delivery-and-automation-pipelines-in-machine-learning",
        "MLOps: Continuous delivery and automation pipelines in machine learning",
        CH9,
        org="Google",
    ),
    Item(
        "https://netflixtechblog.com/automated-canary-analysis-at-netflix-with-kayenta-3260bc7acc69",
        "Automated Canary Analysis at Netflix with Kayenta",
        CH9,
        ["Michael Graff", "Chris Sanden"],
        "Netflix Technology Blog",
        2018,
    ),
    Item(None, "A/B Testing - Is there a better way? An exploration of Multi-Armed Bandits", CH9),
    Item(None, "A Contextual-Bandit Approach to Personalized News Article Recommendation", CH9),
    Item(
        "https://towardsdatascience.com/a-b-testing-is-there-a-better-way-an-exploration-of-multi-armed-bandits-98ca927b357d",
        "A/B testing — Is there a better way? An exploration of multi-armed bandits",
        BANDITS,
        ["Greg Rafferty"],
        "Towards Data Science",
        2020,
    ),
    Item(
        "https://arxiv.org/abs/2008.00727",
        "Deep Bayesian Bandits: Exploring in Online Personalized Recommendations",
        BANDITS,
        ["Guo et al."],
        None,
        2020,
    ),
    Item(
        "http://www.machinedlearnings.com/2012/02/active-learning-and-contextual-bandits.html",
        "Active Learning and Contextual Bandits",
        BANDITS,
        ["Paul Mineiro"],
        None,
        2012,
    ),
    Item(
        "https://www.youtube.com/watch?v=1xo-0gCVhTU",
        "Introduction to Microservices, Docker, and Kubernetes",
        CH10,
        description="a good 1-hour video on introduction to Docker and k8s.",
    ),
    Item(
        "https://docs.microsoft.com/en-us/azure/devops/learn/devops-at-microsoft/release-flow",
        "How Microsoft plans efficient workloads with DevOps",
        CH10,
    ),
    Item("https://vimeo.com/274801958", "Airbnb’s BigHead", CH10),
    Item(
        "https://eng.uber.com/michelangelo-machine-learning-platform/", "Uber’s Michelangelo", CH10
    ),
    Item(
        "https://www.amazon.com/Weapons-Math-Destruction-Increases-Inequality/dp/0553418815",
        "Weapons of Math Destruction",
        CH11,
        ["Cathy O’Neil"],
        "Crown Books",
        2016,
    ),
    Item(
        "https://nvlpubs.nist.gov/nistpubs/SpecialPublications/NIST.SP.1270.pdf",
        "NIST Special Publication 1270",
        CH11,
        description="Towards a Standard for Identifying and Managing Bias in Artificial Intelligence",
    ),
    Item(
        "https://facctconference.org/",
        "ACM Conference on Fairness, Accountability, and Transparency (ACM FAccT) publications",
        CH11,
    ),
    Item(
        "https://www.trustworthyml.org/resources",
        "Trustworthy ML",
        CH11,
        description="Trustworthy ML’s recommended list of resources and fundamental papers to "
        "researchers and practitioners who want to learn more about trustworthy ML",
    ),
    Item(
        "https://docs.google.com/presentation/d/1cshMKKSX24L0RL7LNzyOkZNQHD7N-Zyff8iffrLIVYM/edit?usp=sharing",
        "ML Beyond Accuracy: Fairness, Security, Governance",
        CH11,
        year=2022,
        description="Sara Hooker’s awesome slide deck on ML Beyond Accuracy: Fairness, Security, Governance",
    ),
    Item(
        "https://sites.google.com/view/fatecv-tutorial/schedule",
        "Timnit Gebru and Emily Denton’s tutorials on Fairness, Accountability, Transparency, and Ethics",
        CH11,
        year=2020,
    ),
]

SCALE: list[Item] = [
    Item(
        "https://dropbox.tech/machine-learning/architecture-of-nautilus-the-new-dropbox-search-engine",
        "Architecture of Nautilus, the new Dropbox search engine",
        "Dropbox",
    ),
    Item(
        "https://engineering.linkedin.com/blog/2020/feed-typed-ai-features",
        "Rapid experimentation through standardization: Typed AI features for LinkedIn’s feed",
        "LinkedIn",
    ),
    Item(
        "https://engineering.linkedin.com/blog/2019/01/scaling-machine-learning-productivity-at-linkedin",
        "Scaling Machine Learning Productivity at LinkedIn",
        "LinkedIn",
    ),
    Item(
        "https://engineering.linkedin.com/blog/2019/06/community-focused-feed-optimization",
        "Community-focused Feed optimization",
        "LinkedIn",
    ),
    Item(
        "https://instagram-engineering.com/powered-by-ai-instagrams-explore-recommender-system-7ca901d2a882",
        "Powered by AI: Instagram’s Explore recommender system",
        "Instagram",
    ),
    Item(
        "https://netflixtechblog.com/open-sourcing-metaflow-a-human-centric-framework-for-data-science-fa72e04a5d9?source=collection_home---4------6-----------------------",
        "Open-Sourcing Metaflow, a Human-Centric Framework for Data Science",
        "Netflix",
    ),
    Item(
        "https://www.youtube.com/watch?v=8jTo3bVni3E&list=PLGEBSHR02XbhC-5Eqy7ERHxpuwiJHes4j",
        "[VIDEO] Internals of Metaflow",
        "Netflix",
    ),
    Item(
        "https://docs.metaflow.org/internals-of-metaflow/technical-overview",
        "Metaflow Technical Overview",
        "Netflix",
    ),
    Item(
        "https://labs.spotify.com/2019/12/13/the-winding-road-to-better-machine-learning-infrastructure-through-tensorflow-extended-and-kubeflow/",
        "The Winding Road to Better Machine Learning Infrastructure Through Tensorflow Extended and Kubeflow",
        "Spotify",
    ),
    Item(
        "https://research.google/pubs/pub43146/",
        "[KDD '17 Paper] A TensorFlow-Based Production-Scale Machine Learning Platform",
        "Google",
    ),
    Item(
        "https://blog.twitter.com/engineering/en_us/topics/insights/2018/ml-workflows.html",
        "Productionizing ML with workflows at Twitter",
        "Twitter",
    ),
    Item(
        "http://www.vldb.org/pvldb/vol11/p1781-schelter.pdf",
        "[Paper] Automating Large-Scale Data Quality Verification",
        "Amazon",
    ),
]

# (title, parent title, what the intro holds: whole text or fragments; "" for none)
BOOK_SECTIONS: list[tuple[str, str | None, str | tuple[str, ...]]] = [
    (
        "Resources",
        None,
        "The resources here are meant for further exploration of topics already covered in the "
        "book. Some of them were excluded from the book to avoid distracting the readers from the "
        "key points, as the book already includes a substantial amount of links and references.",
    ),
    (
        CH1,
        "Resources",
        (
            "To learn to design ML systems, it’s helpful to read case studies",
            "share their experience using ML to improve their products and/or processes.",
        ),
    ),
    (CH2, "Resources", ""),
    (CH3, "Resources", ""),
    (STREAM, CH3, ""),
    (CH4, "Resources", ""),
    (
        CH5,
        "Resources",
        "detecting if there is data leakage: if a feature has a very high correlation with model "
        "prediction, investigate how this feature is generated and whether the correlation makes "
        "sense.",
    ),
    (CH6, "Resources", ""),
    (TRAIN, CH6, ""),
    (EVAL, CH6, ""),
    (
        CH7,
        "Resources",
        (
            "Streamify Batch prediction and online prediction and use feature store",
            "Model Compression: Low Rank Factorization, Knowledge Distillation, Pruning, Quantization",
            "Edge Deployment: TVM",
            "Operator Optimization: Loop Tiling, Vectorization, Parallelization, Operator Fusion,",
        ),
    ),
    (
        CH8,
        "Resources",
        (
            "degenerate feedback loop: causing system output to be more homogeneous over time.",
            "position of a prediction is shown also affects its feedback",
            "data distribution shifts: domain adapation, retrain with target distribution",
            "monitoring model accuracy: monitoring features",
        ),
    ),
    (
        CH9,
        "Resources",
        (
            "4 stages:",
            "1. manual , stateless retraining",
            "2. automated retraining: pull data, downsample / upsample",
            "3. stateful training (has a base model and incrementally update with new data)",
            "4. continual learning",
            "A/B Testing: more invovle more samples needed to reach test significance;",
        ),
    ),
    (BANDITS, CH9, ""),
    (CH10, "Resources", ""),
    (CH11, "Resources", ""),
]

SCALE_SECTIONS = [
    "Dropbox",
    "LinkedIn",
    "Instagram",
    "Netflix",
    "Spotify",
    "Google",
    "Twitter",
    "Amazon",
]


def _parse(name: str) -> ParsedList:
    return parse_markdown(seed_path(name).read_text(encoding="utf-8"), name=name)


def _section_titles(parsed: ParsedList) -> dict[str, str]:
    return {s.id: s.title for s in parsed.sections}


def _check_text(actual: str, expected: str | tuple[str, ...]) -> None:
    if isinstance(expected, str):
        assert actual == expected
        return
    position = 0
    for fragment in expected:
        found = actual.find(fragment, position)
        assert found >= 0, f"{fragment!r} missing (in order) from {actual!r}"
        position = found + len(fragment)


def _check_items(parsed: ParsedList, expected: list[Item]) -> None:
    titles = _section_titles(parsed)
    by_key: dict[tuple[str | None, str], list[ParsedResource]] = {}
    for r in parsed.resources:
        by_key.setdefault((r.url, r.title if r.url is None else ""), []).append(r)
    for item in expected:
        key = (item.url, item.title if item.url is None else "")
        found = by_key.get(key)
        assert found, f"missing: {item.title} ({item.url})"
        r = found[0]
        assert r.title == item.title
        assert [titles[s] for s in r.sections] == [item.section], item.title
        assert (r.authors, r.venue, r.year) == (item.authors, item.venue, item.year), item.title
        assert r.org == item.org, item.title
        _check_text(r.description, item.description)
    # and nothing else: no table-of-contents anchor, no link from inside a description
    assert len(parsed.resources) == len(expected)


def test_book_seed_every_item() -> None:
    _check_items(_parse(BOOK_SEED), BOOK)


def test_scale_seed_every_item() -> None:
    _check_items(_parse(SCALE_SEED), SCALE)


def test_book_seed_counts() -> None:
    parsed = _parse(BOOK_SEED)
    assert len([r for r in parsed.resources if r.url]) == 70
    assert len([r for r in parsed.resources if not r.url]) == 13


def test_toc_anchors_and_description_links_are_not_resources() -> None:
    parsed = _parse(BOOK_SEED)
    urls = {r.url for r in parsed.resources}
    assert not any(u and "#" in u and u.startswith("#") for u in urls)
    assert "https://blog.acolyer.org/2019/10/07/150-successful-machine-learning-models/" not in urls
    assert "https://twitter.com/jaykreps/status/1408159236794765314" not in urls
    # the table of contents holds no resource, and is not kept as intro text either
    assert "(#chapter-1-overview" not in "".join(s.intro for s in parsed.sections)


def test_book_section_tree_and_intros() -> None:
    parsed = _parse(BOOK_SEED)
    titles = _section_titles(parsed)
    got = [(s.title, titles.get(s.parent) if s.parent else None, s.intro) for s in parsed.sections]
    assert [(t, p) for t, p, _ in got] == [(t, p) for t, p, _ in BOOK_SECTIONS]
    for (_, _, intro), (title, _, expected) in zip(got, BOOK_SECTIONS, strict=True):
        if expected == "":
            assert intro == "", title
        else:
            _check_text(intro, expected)


def test_chapter_notes_stay_out_of_resources() -> None:
    parsed = _parse(BOOK_SEED)
    titles = {r.title for r in parsed.resources}
    for note in ("manual , stateless retraining", "continual learning", "4 stages:"):
        assert not any(note in t for t in titles)
    # the Booking.com lessons belong to its description, not to the list
    assert not any("Machine learned models deliver" in t for t in titles)


def test_scale_section_tree() -> None:
    parsed = _parse(SCALE_SEED)
    root = parsed.sections[0]
    assert root.title == "Designing Machine Learning Systems at Scale"
    assert root.parent is None
    _check_text(
        root.intro,
        (
            "A hopefully really long list of resources in the form of blog posts",
            "It would be great to focus on thse system's _architecture_.",
            "\n\nA lot of this knowlegde exists",
            "that you've been using to this list.",
        ),
    )
    assert [(s.title, s.parent) for s in parsed.sections[1:]] == [
        (name, root.id) for name in SCALE_SECTIONS
    ]


# ----------------------------------------------------------------- real-world-style lists


@pytest.mark.parametrize(
    ("name", "urls"),
    [
        (
            "awesome_mlops.md",
            [
                "https://feast.dev",
                "https://www.hopsworks.ai/",
                "https://www.tecton.ai",
                "https://github.com/feathr-ai/feathr",
                "https://example.org/html-only",
                "https://github.com/bentoml/BentoML",
                "https://github.com/SeldonIO/seldon-core",
                "https://aws.amazon.com/sagemaker/",
                "https://spark.apache.org/docs/latest/ml-guide.html",
                "https://github.com/example/batch-scorer",
                "https://mlflow.org",
                "https://wandb.ai",
                "https://papers.nips.cc/paper/5656-hidden-technical-debt-in-machine-learning-systems.pdf",
                "https://research.google/pubs/pub46555/",
                "https://research.google/pubs/pub43146/",
                "https://martinfowler.com/articles/cd4ml.html",
            ],
        ),
        (
            "numbered_reading.md",
            [
                "https://dataintensive.net/",
                "https://research.google/pubs/pub51/",
                "https://research.google/pubs/pub62/",
                "https://research.google/pubs/pub62-slides/",
                "https://notes.stephenholiday.com/Kafka.pdf",
                "https://dl.acm.org/doi/10.1145/3097983.3098021",
            ],
        ),
        (
            "odd_markup.md",
            [
                "https://example.org/good",
                "https://example.org/bare-in-text",
                "https://example.org/code-title",
                "https://example.org/brackets",
                "https://example.org/escaped",
                "https://en.wikipedia.org/wiki/Bias_(statistics)",
                # a raw HTML list of links is entries (issue 9, shape 8)
                "https://example.org/in-html-block",
            ],
        ),
    ],
)
def test_real_world_lists_capture_their_link_items(name: str, urls: list[str]) -> None:
    parsed = parse_markdown((LISTS / name).read_text(encoding="utf-8"), name=name)
    assert [r.url for r in parsed.resources if r.url] == urls
    # and the result goes into a catalogue that validates
    catalogue = Catalogue()
    import_into(catalogue, parsed)
    from mlsd_cli.catalogue.schema import catalogue_from_dict
    from mlsd_cli.catalogue.schema import catalogue_to_dict

    catalogue_from_dict(catalogue_to_dict(catalogue))


def test_awesome_list_details() -> None:
    parsed = parse_markdown((LISTS / "awesome_mlops.md").read_text(encoding="utf-8"))
    by_url = {r.url: r for r in parsed.resources}
    titles = _section_titles(parsed)
    assert (
        by_url["https://feast.dev"].description
        == "An open source feature store for machine learning."
    )
    assert (
        by_url["https://www.hopsworks.ai/"].description
        == "Data-intensive AI platform with a feature store."
    )
    assert by_url["https://www.tecton.ai"].description == "Enterprise feature platform."
    # a badge after the link is dropped, the description after it kept
    assert by_url["https://github.com/feathr-ai/feathr"].title == "Feathr"
    assert by_url["https://github.com/feathr-ai/feathr"].description == "LinkedIn's feature store."
    assert by_url["https://example.org/html-only"].title == "An HTML-only link"
    # "- **Open source**" over a sub-list of links: a sub-section
    bento = by_url["https://github.com/bentoml/BentoML"]
    assert titles[bento.sections[0]] == "Open source"
    open_source = parsed.section(bento.sections[0])
    assert open_source is not None and titles[open_source.parent or ""] == "Model Serving"
    # reference-style link, byline
    credit = by_url["https://research.google/pubs/pub43146/"]
    assert credit.title == "Machine Learning: The High-Interest Credit Card of Technical Debt"
    assert (credit.authors, credit.year) == (["Sculley et al."], 2014)
    debt = by_url[
        "https://papers.nips.cc/paper/5656-hidden-technical-debt-in-machine-learning-systems.pdf"
    ]
    assert (debt.authors, debt.venue, debt.year) == (["D. Sculley et al."], "NeurIPS", 2015)
    # a table row: the link names it, the other cells describe it
    assert by_url["https://mlflow.org"].description == "Kind: tracking · Notes: open source"
    # badges, the table of contents and the licence are not resources; the heading has no badge
    assert not any("awesome.re" in (r.url or "") for r in parsed.resources)
    assert not any(s.title in ("Table of Contents",) for s in parsed.sections)
    assert parsed.sections[0].title == "Awesome MLOps"
    # the HTML logo and the text before the first list are the intro of the top section
    _check_text(
        parsed.sections[0].intro, ('<p align="center">', "A curated list of references for MLOps.")
    )
    # a code block is kept as free text of its section
    batch = next(s for s in parsed.sections if s.title == "Batch")
    assert "pip install bentoml" in batch.intro


def test_numbered_list_details() -> None:
    parsed = parse_markdown((LISTS / "numbered_reading.md").read_text(encoding="utf-8"))
    by_url = {r.url: r for r in parsed.resources}
    ddia = by_url["https://dataintensive.net/"]
    assert (ddia.authors, ddia.venue, ddia.year) == (["Martin Kleppmann"], "O'Reilly", 2017)
    # paragraphs and a sub-list indented under the item: its description, outdented
    assert ddia.description == (
        "Read chapters 1 to 3 first.\n\n"
        "- Chapter 1: reliability, scalability, maintainability\n"
        "- Chapter 3: storage and retrieval"
    )
    gfs = by_url["https://research.google/pubs/pub51/"]
    assert (gfs.authors, gfs.venue, gfs.year) == (["Ghemawat", "Gobioff", "Leung"], "SOSP", 2003)
    assert gfs.description == "the paper behind HDFS."
    tfx = by_url["https://dl.acm.org/doi/10.1145/3097983.3098021"]
    assert (tfx.authors, tfx.venue, tfx.year, tfx.description) == (
        ["Baylor et al."],
        "KDD '17",
        2017,
        "The platform paper.",
    )
    no_link = [r for r in parsed.resources if r.url is None]
    assert [r.title for r in no_link] == ["A paper without a link"]
    week2 = next(s for s in parsed.sections if s.title == "Week 2")
    assert week2.intro == "Notes for week 2: bring questions."


def test_odd_markup_does_not_crash_or_invent_items() -> None:
    parsed = parse_markdown((LISTS / "odd_markup.md").read_text(encoding="utf-8"))
    urls = {r.url for r in parsed.resources}
    for not_an_item in (
        "https://example.org/empty-label",
        "https://example.org/badge-target",
        "https://example.org/in-code",
        "https://example.org/heading-link",
    ):
        assert not_an_item not in urls
    assert all(r.title.strip() for r in parsed.resources)
    # the indented code block stays a code block (its lines keep their indentation)
    heading = next(s for s in parsed.sections if s.title == "Heading with a link")
    assert "    - [not a link item](https://example.org/in-code)" in heading.intro


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "no headings, no lists",
        "- ",
        "#",
        "* * *",
        "<div>",
        "```\nunclosed",
        "\ufeff# T\r\n- [a](https://a.org)\r\n",
        "[x]: https://x.org\n",
        "| a |\n|---|\n| [b](https://b.org) |",
    ],
)
def test_degenerate_inputs(text: str) -> None:
    parsed = parse_markdown(text)
    catalogue = Catalogue()
    import_into(catalogue, parsed)
    assert all(r.sections for r in catalogue.resources)


def test_items_before_any_heading_get_a_section_named_after_the_list() -> None:
    parsed = parse_markdown(
        "- [A](https://a.org)\n\n# Later\n\n- [B](https://b.org)\n", name="my-list"
    )
    titles = _section_titles(parsed)
    assert [titles[r.sections[0]] for r in parsed.resources] == ["my-list", "Later"]


# ----------------------------------------------------------------- into a catalogue


def _catalogue() -> Catalogue:
    return Catalogue(
        title="T",
        sections=[Section("existing", "Existing")],
        resources=[
            Resource(
                id="rules",
                title="Rules of ML",
                kind="other",
                sections=["existing"],
                url="https://developers.google.com/machine-learning/guides/rules-of-ml",
            )
        ],
    )


def test_import_into_adds_sections_and_resources() -> None:
    catalogue = Catalogue()
    report = import_into(catalogue, _parse(BOOK_SEED), added=date(2024, 5, 1), force=True)
    assert len(report.added) == 83 and report.url_less == 13 and not report.skipped
    # The list's title and front matter are the (new) catalogue's, not a wrapper section.
    root_title, _, root_intro = BOOK_SECTIONS[0]
    assert (catalogue.title, catalogue.description) == (root_title, root_intro)
    titles = catalogue.section_titles()
    assert [(s.title, titles.get(s.parent) if s.parent else None) for s in catalogue.sections] == [
        (title, None if parent == root_title else parent) for title, parent, _ in BOOK_SECTIONS[1:]
    ]
    assert all(r.added == date(2024, 5, 1) for r in catalogue.resources)
    assert len({r.id for r in catalogue.resources}) == 83
    internals = Catalogue()
    import_into(internals, _parse(SCALE_SEED))
    assert internals.resources[6].id == "internals-of-metaflow"  # the [VIDEO] prefix stays out
    assert internals.resources[6].kind == "video"


def test_a_list_title_is_a_section_of_a_catalogue_titled_otherwise() -> None:
    # The shipped catalogue's shape: two lists, each under its own title.
    catalogue = Catalogue(title="Machine Learning Systems Design")
    import_into(catalogue, _parse(SCALE_SEED))
    import_into(catalogue, _parse(BOOK_SEED), force=True)
    assert catalogue.title == "Machine Learning Systems Design" and not catalogue.description
    top = [s.title for s in catalogue.sections if s.parent is None]
    assert top == ["Designing Machine Learning Systems at Scale", "Resources"]
    # the same title again: the list's sections are the catalogue's top-level ones
    again = Catalogue(title="resources")
    import_into(again, _parse(BOOK_SEED), force=True)
    assert again.section_titles()[again.sections[0].id] == CH1 and again.sections[0].parent is None


def test_a_table_of_contents_opens_no_section_and_empty_headings_stay() -> None:
    parsed = parse_markdown("- [A](#a)\n  - [B](#b)\n\n## A\n\n## B\n\n- [x](https://x.org)\n")
    assert [(s.title, s.parent) for s in parsed.sections] == [("A", None), ("B", None)]
    assert parsed.front is None
    contents = parse_markdown("# T\n\n## Contents\n\n- [B](#b)\n\n## B\n\n- [x](https://x.org)\n")
    assert [s.title for s in contents.sections] == ["T", "B"] and contents.front == "t"


def test_a_title_listed_again_at_an_address_is_held_back_unless_forced() -> None:
    # The book lists two articles twice: without a link in one chapter, with one in another
    # (one of them with its subtitle).
    report = import_into(Catalogue(), _parse(BOOK_SEED))
    assert len(report.added) == 81 and not report.skipped
    assert [(s.url, s.existing_id, s.reason) for s in report.possible_duplicates] == [
        (None, "rules-of-machine-learning", "subtitle"),
        (
            "https://towardsdatascience.com/a-b-testing-is-there-a-better-way-an-exploration-of"
            "-multi-armed-bandits-98ca927b357d",
            "a-b-testing-is-there-a-better-way",
            "similar-title",
        ),
    ]
    assert report.left_out
    forced = import_into(Catalogue(), _parse(BOOK_SEED), force=True)
    assert len(forced.added) == 83 and not forced.possible_duplicates and not forced.left_out


def test_exact_url_duplicates_are_skipped_and_reported() -> None:
    catalogue = _catalogue()
    report = import_into(catalogue, _parse(BOOK_SEED), force=True)
    assert [(s.url, s.existing_id, s.reason) for s in report.skipped] == [
        ("https://developers.google.com/machine-learning/guides/rules-of-ml", "rules", "same-url")
    ]
    assert len(report.added) == 82
    assert catalogue.resource("rules").sections == ["existing"]  # type: ignore[union-attr]


def test_importing_twice_adds_nothing() -> None:
    catalogue = Catalogue()
    import_into(catalogue, _parse(BOOK_SEED), force=True)
    before = store.dumps(catalogue)
    report = import_into(catalogue, _parse(BOOK_SEED))
    assert report.added == [] and not report.sections_added
    assert len(report.skipped) == 83 and not report.possible_duplicates
    assert {s.reason for s in report.skipped} == {"same-url", "same-title"}
    assert store.dumps(catalogue) == before


def test_same_url_twice_in_one_list_gives_one_entry_in_both_sections() -> None:
    text = "# A\n\n- [X](https://x.org)\n\n# B\n\n- [X again](https://x.org) (Someone, 2020)\n"
    catalogue = Catalogue()
    report = import_into(catalogue, parse_markdown(text))
    assert [r.sections for r in catalogue.resources] == [["a", "b"]]
    assert [(s.existing_id, s.within_list) for s in report.skipped] == [("x", True)]


def test_sections_with_the_same_title_are_reused() -> None:
    catalogue = Catalogue()
    import_into(catalogue, parse_markdown("# Papers\n\n- [A](https://a.org)\n"))
    report = import_into(catalogue, parse_markdown("# Papers\n\nIntro.\n\n- [B](https://b.org)\n"))
    assert [s.id for s in catalogue.sections] == ["papers"]
    assert report.sections_added == []
    assert catalogue.sections[0].intro == "Intro."  # an empty intro is filled in
    assert [r.sections for r in catalogue.resources] == [["papers"], ["papers"]]


def test_under_section_nests_the_list() -> None:
    catalogue = _catalogue()
    import_into(catalogue, _parse(SCALE_SEED), under_section="Existing")
    root = next(
        s for s in catalogue.sections if s.title == "Designing Machine Learning Systems at Scale"
    )
    assert root.parent == "existing"
    # a sub-section follows its parent in the file order
    order = [s.id for s in catalogue.sections]
    assert order.index("existing") < order.index(root.id)
    report = import_into(Catalogue(), _parse(SCALE_SEED), under_section="New group")
    assert [s.title for s in report.sections_added][:2] == [
        "New group",
        "Designing Machine Learning Systems at Scale",
    ]


def test_dry_run_changes_nothing() -> None:
    catalogue = _catalogue()
    before = store.dumps(catalogue)
    report = import_into(catalogue, _parse(BOOK_SEED), dry_run=True, force=True)
    assert report.dry_run and len(report.added) == 82
    assert store.dumps(catalogue) == before


# ----------------------------------------------------------------- reading what mlsd writes

_WORDS = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs")),
    min_size=1,
    max_size=8,
)
_NAME = st.lists(
    st.one_of(_WORDS, st.sampled_from(list("[]()*_`\\<>&!#|~,;:"))), min_size=1, max_size=5
).map(" ".join)
_PARAGRAPH = (
    st.lists(st.text(alphabet="abcXYZ019.,;:!?'-", min_size=1, max_size=8), min_size=1, max_size=8)
    .map(" ".join)
    .filter(lambda p: p.strip() == p and not p.startswith(("-", "1.", "0.", "9.")))
)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@example(entries=[("0", False, [], "?", None, [])])  # "- 0 (*?*)": a venue's "?", not prose
@given(
    entries=st.lists(
        st.tuples(
            _NAME,
            st.booleans(),
            st.lists(_NAME, max_size=3),
            st.one_of(st.none(), _NAME),
            st.one_of(st.none(), st.integers(1000, 9999)),
            st.lists(_PARAGRAPH, max_size=3),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_reads_back_items_written_with_format_byline(
    entries: list[tuple[str, bool, list[str], str | None, int | None, list[str]]],
) -> None:
    """The contract with the markdown exporter: ``- [title](url) (byline)`` (or the title alone
    when there is no URL, a final sentence mark escaped by ``as_title`` as the exporter writes
    it, so the title is not read as prose), titles escaped with ``escape_inline``, the
    description as paragraphs
    indented under the item."""
    lines = ["# Section", ""]
    for n, (title, linked, authors, venue, year, paragraphs) in enumerate(entries):
        if not linked:
            title = (
                title.replace('"', "").replace("“", "").replace("”", "").replace("'", "").strip()
                or "t"
            )
        head = (
            f"[{escape_inline(title)}](https://example.org/{n})"
            if linked
            else as_title(escape_inline(title))
        )
        byline = format_byline(authors, venue, year)
        lines.append(f"- {head} {byline}".rstrip())
        for paragraph in paragraphs:
            lines += ["", f"  {paragraph}"]
        lines.append("")
    parsed = parse_markdown("\n".join(lines))
    assert len(parsed.resources) == len(entries)
    for r, (title, linked, authors, venue, year, paragraphs) in zip(
        parsed.resources, entries, strict=True
    ):
        if not linked:
            title = (
                title.replace('"', "").replace("“", "").replace("”", "").replace("'", "").strip()
                or "t"
            )
        assert r.title == " ".join(title.split())
        assert (r.url is not None) == linked
        names = [a.strip() for a in authors if a.strip()]
        assert (r.authors, r.venue, r.year) == (
            names,
            venue.strip() if venue and venue.strip() else None,
            year,
        )
        assert r.description == "\n\n".join(paragraphs)
