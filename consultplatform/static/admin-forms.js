/* Admin forms, progressively enhanced (everything also works without this file):
   - a new consultation's web address (slug) follows its title until typed in;
   - a choice that belongs to a consultation (a session's sector) shows only the
     options of the consultation chosen above it (options carry data-consultation);
   - the list filters Flask-Admin's script draws get accessible names: the operation
     and the value are named after their filter ("Wanneer: na"). */
(function ($) {
  "use strict";

  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80).replace(/-+$/, "");
  }

  function nameFilters(table) {
    $(table).find("tr").each(function () {
      var row = $(this);
      var name = row.find(".remove-filter").text().replace("\u00d7", "").trim();
      var op = row.find("select.filter-op");
      var operation = op.find("option:selected").text().trim();
      op.attr("aria-label", name);
      row.find(".filter-val").not(".select2-container")
        .attr("aria-label", operation ? name + ": " + operation : name);
    });
  }

  $(function () {
    $("table.filters").each(function () {
      var table = this;
      nameFilters(table);
      new MutationObserver(function () { nameFilters(table); })
        .observe(table, {childList: true, subtree: true});
    });

    var title = $("#title"), slug = $("#slug");
    if (title.length && slug.length && !slug.val()) {
      var typed = false;
      slug.on("input", function () { typed = slug.val() !== ""; });
      title.on("input", function () { if (!typed) { slug.val(slugify(title.val())); } });
    }

    var consultation = $("select#consultation");
    $("select").filter(function () {
      return $(this).find("option[data-consultation]").length > 0;
    }).each(function () {
      var select = $(this);
      var all = select.find("option").clone();
      function show() {
        var chosen = consultation.val();
        var keep = select.val();
        select.empty();
        all.each(function () {
          var owner = $(this).attr("data-consultation");
          if (!owner || !chosen || chosen === "__None" || owner === chosen) {
            select.append($(this).clone());
          }
        });
        select.val(select.find("option[value='" + keep + "']").length ? keep : "__None");
        select.trigger("change.select2");
      }
      consultation.on("change", show);
      show();
    });
  });
})(jQuery);
