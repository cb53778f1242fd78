extension Labels {
    /// The fixed words renderers add, in this language.
    public var renderer: RendererLabels {
        switch language {
        case .en:
            .english
        case .kk:
            RendererLabels(language: "kk", computedFrom: "Есептеу негізі", sequence: "seq", events: "оқиға", headHash: "соңғы SHA-256", recordedAt: "жазылған уақыты",
                           asOf: "күйі", item: "Атауы", value: "Мәні", definition: "Анықтамасы", data: "Деректер", noRows: "Жазба жоқ.")
        case .ru:
            RendererLabels(language: "ru", computedFrom: "Рассчитано по", sequence: "seq", events: "событий", headHash: "SHA-256 последней записи", recordedAt: "записана",
                           asOf: "по состоянию на", item: "Пункт", value: "Значение", definition: "Определение", data: "Данные", noRows: "Нет записей.")
        }
    }
}
