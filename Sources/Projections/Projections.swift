public enum Projections {}
